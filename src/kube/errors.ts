// What a failed Kubernetes API call says, in one line. client-node's ApiException message reads
// "HTTP-Code: 403 Message: Unknown API Status Code! Body: {...} Headers: {...}" for every code it has
// no generated response type for (403 among them), which hides the API server's own explanation
// ("restpaths.apigateway.restpath.dev is forbidden: User ... cannot list ..."). This reads the Status
// object in the body instead.
/** A Kubernetes API error: client-node's ApiException carries the HTTP code as a number and the body. */
export function isKubeApiError(error: unknown): error is { code: number; body: unknown } {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' && 'body' in error;
}

export function kubeErrorText(error: unknown): string {
  if (isKubeApiError(error)) {
    const status = statusOf(error.body);
    if (status?.message) return `HTTP ${error.code}${status.reason ? ` ${status.reason}` : ''}: ${status.message}`;
    return `HTTP ${error.code}`;
  }
  if (typeof error !== 'object' || error === null) return String(error);
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(error);
}

function statusOf(body: unknown): { message?: string; reason?: string } | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 500) } : undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as { message?: unknown; reason?: unknown };
  return { ...(typeof s.message === 'string' ? { message: s.message } : {}), ...(typeof s.reason === 'string' ? { reason: s.reason } : {}) };
}
