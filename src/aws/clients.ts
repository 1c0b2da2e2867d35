// The only place SDK clients are constructed. The endpoint override points them at the local
// emulator (or the quota proxy in front of it); the SDK's own retries are off because AwsCaller
// retries with the operator's policy and counts every attempt.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { ACMClient } from '@aws-sdk/client-acm';
import { Route53Client } from '@aws-sdk/client-route-53';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import type { DomainClients } from './domain-names.js';

export interface AwsSettings {
  region: string;
  /** e.g. http://127.0.0.1:4566 for the local emulator; unset for real AWS. */
  endpoint?: string;
  /**
   * Static credentials (tests), or a provider (an AwsAccount's assumed role, renewed before it
   * expires); unset: the SDK's default chain (IRSA, env, profile).
   */
  credentials?: Credentials | (() => Promise<Credentials & { expiration?: Date }>);
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClients {
  region: string;
  apigateway: APIGatewayClient;
  /** AWS WAF in the same region (a stage's web ACL). */
  wafv2: WAFV2Client;
  /** Items per page of a list read (`limit`); unset: API Gateway's maximum, 500. Tests page with 2. */
  pageSize?: number;
}

export interface IamClients {
  iam: IAMClient;
  sts: STSClient;
  /** Items per page of a list read (`MaxItems`); unset: IAM's default (100). Tests page with 2. */
  pageSize?: number;
}

function sdkConfig(settings: AwsSettings) {
  return {
    region: settings.region,
    maxAttempts: 1,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
}

export function createAwsClients(settings: AwsSettings): AwsClients {
  return { region: settings.region, apigateway: new APIGatewayClient(sdkConfig(settings)), wafv2: new WAFV2Client(sdkConfig(settings)) };
}

export function createIamClients(settings: AwsSettings): IamClients {
  return { iam: new IAMClient(sdkConfig(settings)), sts: new STSClient(sdkConfig(settings)) };
}

/** ACM in any region (a certificate's own; EDGE ones are in us-east-1), and Route 53 (global, us-east-1). */
export function createDomainClients(settings: AwsSettings): DomainClients {
  const acm = new Map<string, ACMClient>();
  return {
    acm: (region) => {
      let client = acm.get(region);
      if (!client) acm.set(region, (client = new ACMClient(sdkConfig({ ...settings, region: region || settings.region }))));
      return client;
    },
    route53: new Route53Client(sdkConfig({ ...settings, region: 'us-east-1' })),
  };
}

export function restApiArn(region: string, restApiId: string): string {
  return `arn:aws:apigateway:${region}::/restapis/${restApiId}`;
}
