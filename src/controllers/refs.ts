// Names and references shared by the reconcilers.
import { GROUP, VERSION } from '../api/common.js';
import type { RestApi } from '../api/rest-api.js';
import type { RestPath } from '../api/rest-path.js';
import type { CustomObjectRef } from '../kube/writer.js';

export const FINALIZER = `${GROUP}/cleanup`;
export const API_VERSION = `${GROUP}/${VERSION}`;

export function restApiRef(o: RestApi): CustomObjectRef {
  return { group: GROUP, version: VERSION, plural: 'restapis', namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

export function restPathRef(o: RestPath): CustomObjectRef {
  return { group: GROUP, version: VERSION, plural: 'restpaths', namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

/** The work-queue key of the REST API a RestPath belongs to ("namespace/restApiName"). */
export function apiKeyOfPath(p: RestPath): string | undefined {
  return p.spec.restApiRef ? `${p.metadata.namespace ?? ''}/${p.spec.restApiRef.name}` : undefined;
}

export function regarding(o: RestApi | RestPath) {
  return {
    apiVersion: API_VERSION,
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    ...(o.metadata.uid ? { uid: o.metadata.uid } : {}),
  };
}

export function invokeUrl(restApiId: string, region: string, stage: string, path = ''): string {
  return `https://${restApiId}.execute-api.${region}.amazonaws.com/${stage}${path === '/' ? '/' : path}`;
}
