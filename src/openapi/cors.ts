// REST APIs have no CORS setting: a document enables it with an OPTIONS method (MOCK) whose response
// sets the Access-Control-Allow-* headers. Such a method becomes the RestPath's cors (the operator
// derives the preflight again, and adds the origin header to the other methods' responses); an OPTIONS
// method that says anything a PathCors cannot is kept as a method. Pure.
import type { PathCors } from '../api/access.js';
import type { Method } from '../api/rest-path.js';

const ORIGIN = /^(\*|https?:\/\/[a-zA-Z0-9.-]+(:[0-9]{1,5})?)$/;
const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
type CorsMethod = (typeof CORS_METHODS)[number];

const unquote = (v: string | undefined): string | undefined => (v && /^'.*'$/.test(v) ? v.slice(1, -1) : undefined);
const items = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The PathCors an OPTIONS method stands for, or undefined when it is a method of its own. */
export function corsOfPreflight(method: Method): PathCors | undefined {
  if (method.httpMethod !== 'OPTIONS' || method.integration.type !== 'MOCK') return undefined;
  const headers = method.integration.responses?.find((r) => r.responseParameters?.['method.response.header.Access-Control-Allow-Origin'])?.responseParameters;
  if (!headers) return undefined;
  const value = (name: string) => unquote(headers[`method.response.header.${name}`]);
  const origin = value('Access-Control-Allow-Origin');
  if (!origin || !ORIGIN.test(origin)) return undefined;
  const methods = items(value('Access-Control-Allow-Methods')).map((m) => m.toUpperCase());
  if (methods.some((m) => !CORS_METHODS.includes(m as CorsMethod))) return undefined;
  const allowHeaders = items(value('Access-Control-Allow-Headers'));
  const exposeHeaders = items(value('Access-Control-Expose-Headers'));
  if ([...allowHeaders, ...exposeHeaders].some((h) => !HEADER.test(h))) return undefined;
  const maxAge = value('Access-Control-Max-Age');
  const credentials = value('Access-Control-Allow-Credentials') === 'true';
  if (credentials && origin === '*') return undefined;
  return {
    allowOrigins: [origin],
    ...(methods.length > 0 ? { allowMethods: [...new Set(methods)] as CorsMethod[] } : {}),
    ...(allowHeaders.length > 0 ? { allowHeaders: [...new Set(allowHeaders)] } : {}),
    ...(exposeHeaders.length > 0 ? { exposeHeaders: [...new Set(exposeHeaders)] } : {}),
    ...(maxAge && /^[0-9]{1,5}$/.test(maxAge) && Number(maxAge) <= 86400 ? { maxAgeSeconds: Number(maxAge) } : {}),
    ...(credentials ? { allowCredentials: true } : {}),
  };
}
