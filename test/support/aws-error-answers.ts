// Error answers in the wire shapes the AWS SDK v3 parses, for the quota proxy: REST-JSON (API
// Gateway; also the JSON protocols of ACM and WAFv2): an X-Amzn-ErrorType header and a JSON message;
// query protocol (STS, IAM) and REST-XML (Route 53): an <ErrorResponse> document whose <Code> the
// SDK turns into the error's name.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export interface ErrorShape {
  type: string;
  message: string;
}

/** The services whose errors are XML documents (query protocol and REST-XML). */
const XML_NAMESPACES: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  route53: 'https://route53.amazonaws.com/doc/2013-04-01/',
};

export const answersInXml = (service: string | undefined): boolean => service !== undefined && service in XML_NAMESPACES;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** API Gateway's error shape: `X-Amzn-ErrorType: TYPE` and `{"message": ...}`. */
export function sendJsonError(res: ServerResponse, status: number, error: ErrorShape, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': error.type, 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(JSON.stringify({ message: error.message }));
}

/**
 * STS's / IAM's error shape: `<ErrorResponse xmlns=NS><Error><Type>Sender|Receiver</Type><Code>CODE</Code>
 * <Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>`.
 */
export function sendXmlError(res: ServerResponse, status: number, service: string, error: ErrorShape, headers: Record<string, string> = {}): void {
  const requestId = randomUUID();
  const namespace = XML_NAMESPACES[service] ?? XML_NAMESPACES.sts!;
  const side = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${side}</Type><Code>${escapeXml(error.type)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...headers });
  res.end(body);
}

/** An error in the shape `service` answers with (JSON unless it is one of the XML services). */
export function sendServiceError(res: ServerResponse, status: number, service: string | undefined, error: ErrorShape, headers: Record<string, string> = {}): void {
  if (service && answersInXml(service)) sendXmlError(res, status, service, error, headers);
  else sendJsonError(res, status, error, headers);
}

const EXPIRED_MESSAGE = 'The security token included in the request is expired';

/** What AWS answers a request signed with an expired session: 403 ExpiredTokenException (JSON) / ExpiredToken (XML). */
export function sendExpiredToken(res: ServerResponse, service: string | undefined): void {
  if (service && answersInXml(service)) sendXmlError(res, 403, service, { type: 'ExpiredToken', message: EXPIRED_MESSAGE });
  else sendJsonError(res, 403, { type: 'ExpiredTokenException', message: EXPIRED_MESSAGE });
}

/** STS's answer to an AssumeRole the caller may not make. */
export function sendAssumeRoleDenied(res: ServerResponse, callerAccount: string, roleArn: string, message?: string): void {
  const text = message ?? `User: arn:aws:iam::${callerAccount}:user/operator is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
  sendXmlError(res, 403, 'sts', { type: 'AccessDenied', message: text });
}

/** Injected faults by status, per wire shape (the XML services name throttling `Throttling`, as STS does). */
const JSON_FAULTS: Record<number, ErrorShape> = {
  409: { type: 'ConflictException', message: 'Another resource with the same parent already has this name' },
  429: { type: 'TooManyRequestsException', message: 'Too Many Requests' },
  500: { type: 'InternalFailure', message: 'Internal server error' },
  503: { type: 'ServiceUnavailableException', message: 'Service Unavailable' },
};
const XML_FAULTS: Record<number, ErrorShape> = {
  400: { type: 'Throttling', message: 'Rate exceeded' },
  429: { type: 'Throttling', message: 'Rate exceeded' },
  500: { type: 'InternalFailure', message: 'An internal error has occurred' },
  503: { type: 'ServiceUnavailable', message: 'Service is unavailable' },
};

/** An injected fault: `custom` error, or the usual one for `status` (429 with Retry-After: 1 in JSON). */
export function sendFault(res: ServerResponse, status: number, service: string | undefined, custom?: ErrorShape): void {
  const xml = answersInXml(service);
  const fault = custom ?? (xml ? XML_FAULTS : JSON_FAULTS)[status] ?? { type: 'InternalFailure', message: `injected ${status}` };
  sendServiceError(res, status, service, fault, status === 429 && !custom && !xml ? { 'retry-after': '1' } : {});
}
