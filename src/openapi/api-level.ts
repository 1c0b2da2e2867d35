// The document-wide extensions -> RestApi fields: request validators, gateway responses, the
// resource policy and binary media types. Extensions a RestApi has no field for are noted. Pure.
import type { RequestValidator } from '../api/access.js';
import { GATEWAY_RESPONSE_TYPES, type GatewayResponse } from '../api/rest-api.js';
import { bool, isObj, list, obj, str, strings, X, type Obj } from './document.js';
import { gatewayName, UniqueNames } from './names.js';
import { capped, type Notes } from './notes.js';

const BINARY_TYPE = /^[a-zA-Z0-9*.+-]+\/[a-zA-Z0-9*.+-]+$/;
/** Extensions read elsewhere (paths, schemes) or that only describe the export. */
const READ_ELSEWHERE = new Set(['request-validators', 'request-validator', 'gateway-responses', 'policy', 'binary-media-types', 'importexport-version']);

export interface ApiLevel {
  requestValidators: RequestValidator[];
  /** Document key -> validator name. */
  validatorNames: Map<string, string>;
  gatewayResponses: GatewayResponse[];
  policy?: Record<string, unknown>;
  binaryMediaTypes: string[];
}

export function apiLevelOf(doc: Obj, notes: Notes): ApiLevel {
  const out: ApiLevel = { requestValidators: [], validatorNames: new Map(), gatewayResponses: [], binaryMediaTypes: [] };
  const names = new UniqueNames();
  for (const [key, value] of capped(Object.entries(obj(doc[`${X}request-validators`])), 20, `${X}request-validators`, 'request validators', notes)) {
    const v = obj(value);
    const validateBody = bool(v.validateRequestBody) ?? false;
    const validateParameters = bool(v.validateRequestParameters) ?? false;
    if (!validateBody && !validateParameters) {
      notes.add(`${X}request-validators.${key}`, 'InvalidValue', 'a validator that validates neither body nor parameters does nothing: methods naming it get none');
      continue;
    }
    const name = names.claim(gatewayName(key));
    if (name !== key) notes.add(`${X}request-validators.${key}`, 'Renamed', `request validator ${key} is named ${name}`);
    out.validatorNames.set(key, name);
    out.requestValidators.push({ name, ...(validateBody ? { validateBody } : {}), ...(validateParameters ? { validateParameters } : {}) });
  }
  for (const [type, value] of Object.entries(obj(doc[`${X}gateway-responses`]))) {
    if (!(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) {
      notes.add(`${X}gateway-responses.${type}`, 'InvalidValue', `${type} is not a gateway response type: left out`);
      continue;
    }
    const r = obj(value);
    const statusCode = typeof r.statusCode === 'number' ? String(r.statusCode) : str(r.statusCode);
    const parameters = Object.fromEntries(Object.entries(strings(r.responseParameters)).filter(([k]) => k.startsWith('gatewayresponse.header.')));
    const templates = strings(r.responseTemplates);
    out.gatewayResponses.push({
      type: type as GatewayResponse['type'],
      ...(statusCode?.match(/^[1-5][0-9][0-9]$/) ? { statusCode } : {}),
      ...(Object.keys(parameters).length > 0 ? { responseParameters: parameters } : {}),
      ...(Object.keys(templates).length > 0 ? { responseTemplates: templates } : {}),
    });
  }
  const policy = doc[`${X}policy`];
  if (isObj(policy)) out.policy = policy;
  for (const t of list(doc[`${X}binary-media-types`])) {
    // API Gateway writes "/" as "~1" in binary media types it exports.
    const type = typeof t === 'string' ? t.replace(/~1/g, '/') : '';
    if (BINARY_TYPE.test(type)) out.binaryMediaTypes.push(type);
    else notes.add(`${X}binary-media-types`, 'InvalidValue', `${JSON.stringify(t)} is not a media type: left out`);
  }
  out.binaryMediaTypes = capped([...new Set(out.binaryMediaTypes)], 50, `${X}binary-media-types`, 'binary media types', notes);
  for (const key of Object.keys(doc).filter((k) => k.startsWith(X) && !READ_ELSEWHERE.has(k.slice(X.length)))) {
    const why = key === `${X}endpoint-configuration`
      ? 'the endpoint configuration is not read from the document: set spec.endpointType (and for PRIVATE, spec.vpcEndpointIds) on the RestApi'
      : `${key} has no RestApi field: left out`;
    notes.add(key, 'ExtensionNotSupported', why);
  }
  return out;
}
