// Credentials for one AwsAccount: STS AssumeRole with the operator's own identity, kept until five
// minutes before they expire and then assumed again (one call at a time, however many clients ask).
// Hand-written rather than the SDK's fromTemporaryCredentials so that the AssumeRole call goes through
// the one client layer (rate limit, retries, metrics) and its failure is the account's condition
// with AWS's own words, not an error inside some later API Gateway call.
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_SESSION_NAME, DEFAULT_SESSION_SECONDS, type AwsAccountSpec } from '../api/aws-account.js';
import type { AwsCaller } from './caller.js';
import { errorName } from './errors.js';

/** Renewed this long before they expire, as the SDK's own providers do. */
export const RENEW_BEFORE_MS = 5 * 60_000;

/** The SDK's credential identity shape. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The role could not be assumed: what every object using the account says (reason AssumeRoleFailed). */
export class AssumeRoleError extends Error {
  constructor(
    readonly accountName: string,
    readonly code: string,
    readonly awsMessage: string,
    /** The `aws sts assume-role` that shows it. */
    readonly command: string,
    roleArn: string,
    options?: ErrorOptions,
  ) {
    super(`Assuming ${roleArn} (AwsAccount ${accountName}) failed: ${code}: ${awsMessage.replace(/\.+$/, '')}.`, options);
    this.name = 'AssumeRoleError';
  }
}

export interface SessionInfo {
  assumedRoleArn: string;
  expiresAt: Date;
}

export class RoleSession {
  private current: (AwsCredentialIdentity & { info: SessionInfo }) | undefined;
  private pending: Promise<AwsCredentialIdentity & { info: SessionInfo }> | undefined;

  constructor(
    private readonly caller: AwsCaller,
    private readonly sts: STSClient,
    readonly accountName: string,
    readonly spec: AwsAccountSpec,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What the SDK clients of this account call for credentials. The SDK memoizes a provider's answer:
   * forever when it has no `expiration`, else until five minutes before it. Its cache could then hold
   * a key after invalidate() or renewal; so the answer is always due (expiration now), the SDK asks on
   * every request, and this session stays the one cache that decides when to assume again.
   */
  readonly provider = async (): Promise<AwsCredentialIdentity> => {
    const { info: _info, expiration: _expiration, ...credentials } = await this.fresh();
    return { ...credentials, expiration: new Date() };
  };

  /** The session the credentials are for; assumes a role when there are none or they are about to expire. */
  async info(): Promise<SessionInfo> {
    return (await this.fresh()).info;
  }

  /** AWS refused the credentials (expired early, session revoked): the next call assumes again. */
  invalidate(): void {
    this.current = undefined;
  }

  private async fresh(): Promise<AwsCredentialIdentity & { info: SessionInfo }> {
    const c = this.current;
    if (c && c.info.expiresAt.getTime() - RENEW_BEFORE_MS > this.now()) return c;
    this.pending ??= this.assume().finally(() => (this.pending = undefined));
    return (this.current = await this.pending);
  }

  private async assume(): Promise<AwsCredentialIdentity & { info: SessionInfo }> {
    const { roleArn, externalId, sessionTags } = this.spec;
    try {
      const out = await this.caller.call('AssumeRole', () =>
        this.sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: this.spec.sessionName ?? DEFAULT_SESSION_NAME,
            DurationSeconds: this.spec.sessionDurationSeconds ?? DEFAULT_SESSION_SECONDS,
            ...(externalId ? { ExternalId: externalId } : {}),
            ...(sessionTags && Object.keys(sessionTags).length > 0 ? { Tags: Object.entries(sessionTags).map(([Key, Value]) => ({ Key, Value })) } : {}),
          }),
        ),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) throw new Error('AssumeRole answered without credentials');
      const info = { assumedRoleArn: out.AssumedRoleUser?.Arn ?? roleArn, expiresAt: new Date(c.Expiration) };
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), expiration: info.expiresAt, info };
    } catch (error) {
      const cause = error as Error & { cause?: Error };
      // AwsCaller wraps refusals; AWS's own name and words are on the cause.
      const inner = cause.cause ?? cause;
      throw new AssumeRoleError(this.accountName, errorName(inner) || 'Error', inner.message, assumeRoleCommand(this.accountName, this.spec), roleArn, { cause: error });
    }
  }
}

/** `aws sts assume-role` as the operator runs it, for messages; the external id is read from the object, never printed. */
export function assumeRoleCommand(accountName: string, spec: AwsAccountSpec): string {
  const externalId = spec.externalId ? ` --external-id "$(kubectl get awsaccount ${accountName} -o jsonpath='{.spec.externalId}')"` : '';
  return `aws sts assume-role --role-arn ${spec.roleArn} --role-session-name ${spec.sessionName ?? DEFAULT_SESSION_NAME}${externalId}`;
}
