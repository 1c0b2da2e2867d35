// model(spec) for a DomainName: its spec plus what its mappings point at (the RestApis' ids and
// stages) -> the desired domain name, tags and base path mappings, and the problems that keep a
// mapping from being applied. A mapping that cannot be resolved now is left as it is in AWS (its base
// path is `held`), never removed because its RestApi is a moment late.
import type { DomainNameSpec } from '../api/domain-name.js';
import { MANAGED_BY_TAG, OWNER_TAG, ownerRef, type ModelOptions } from './build.js';
import type { StringMap } from './shapes.js';
import type { Problem, RestApiFacts } from './usage-plan.js';

export type DomainEndpointType = 'REGIONAL' | 'EDGE';

/** A domain name's own settings, normalized so that "in sync" is equality. */
export interface DomainShape {
  domainName: string;
  endpointType: DomainEndpointType;
  certificateArn: string;
  securityPolicy: 'TLS_1_0' | 'TLS_1_2';
  mutualTls: { truststoreUri: string; truststoreVersion: string } | null;
}

/** A base path mapping; the root's basePath is '' (AWS answers "(none)"). */
export interface MappingShape {
  basePath: string;
  restApiId: string;
  stage: string;
}

export interface DesiredDomainName {
  domain: DomainShape;
  tags: StringMap;
  mappings: MappingShape[];
  /** Base paths declared but not resolvable now: whatever AWS maps there stays untouched. */
  held: Set<string>;
  /** For messages: which RestApi each desired mapping's id belongs to. */
  apiNames: Map<string, string>;
}

export interface DomainNameInput {
  namespace: string;
  name: string;
  spec: DomainNameSpec;
  restApi: (name: string) => RestApiFacts | undefined;
}

export function domainNameOwner(namespace: string, name: string): string {
  return ownerRef(namespace, 'DomainName', name);
}

/** "orders" -> "/orders", the root -> "/": how a base path reads in messages and URLs. */
export function basePathLabel(basePath: string): string {
  return `/${basePath}`;
}

export function buildDomainName(input: DomainNameInput, options: ModelOptions): { desired: DesiredDomainName; problems: Problem[] } {
  const { namespace, name, spec } = input;
  const problems: Problem[] = [];
  const mappings: MappingShape[] = [];
  const held = new Set<string>();
  const apiNames = new Map<string, string>();
  for (const m of spec.mappings ?? []) {
    const basePath = m.basePath ?? '';
    const ref = m.restApiRef;
    const where = `mapping ${basePathLabel(basePath)} -> ${ref.name}/${m.stage}`;
    const hold = (reason: string, message: string) => {
      held.add(basePath);
      problems.push({ reason, message: `${where}: ${message}` });
    };
    if (ref.namespace && ref.namespace !== namespace) {
      hold('CrossNamespaceReference', `RestApi ${ref.namespace}/${ref.name} is in another namespace; a DomainName may only map RestApis in its own namespace (${namespace}).`);
      continue;
    }
    const facts = input.restApi(ref.name);
    if (!facts) {
      hold('RestApiNotFound', `RestApi ${ref.name} does not exist in namespace ${namespace}; the mapping is made once it does.`);
      continue;
    }
    if (!facts.declaredStages.includes(m.stage)) {
      const known = facts.declaredStages.length > 0 ? facts.declaredStages.join(', ') : 'none';
      hold('StageNotFound', `RestApi ${ref.name} declares no stage ${m.stage} (its stages: ${known}). Until it does, requests to https://${spec.domainName}${basePathLabel(basePath)} get 403 {"message":"Forbidden"}.`);
      continue;
    }
    if (!facts.id || !facts.readyStages.includes(m.stage)) {
      hold('StageNotReady', `stage ${m.stage} of RestApi ${ref.name} is not created in API Gateway yet; the mapping is made once it is.`);
      continue;
    }
    mappings.push({ basePath, restApiId: facts.id, stage: m.stage });
    apiNames.set(facts.id, ref.name);
  }
  mappings.sort((a, b) => a.basePath.localeCompare(b.basePath));
  const ownership = { [MANAGED_BY_TAG]: options.managedBy, [OWNER_TAG]: domainNameOwner(namespace, name) };
  return {
    desired: {
      domain: {
        domainName: spec.domainName,
        endpointType: spec.endpointType ?? 'REGIONAL',
        certificateArn: spec.certificateArn,
        securityPolicy: spec.securityPolicy ?? 'TLS_1_2',
        mutualTls: spec.mutualTls ? { truststoreUri: spec.mutualTls.truststoreUri, truststoreVersion: spec.mutualTls.truststoreVersion ?? '' } : null,
      },
      tags: { ...options.defaultTags, ...spec.tags, ...ownership },
      mappings,
      held,
      apiNames,
    },
    problems,
  };
}
