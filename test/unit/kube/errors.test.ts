// kubeErrorText: the API server's own explanation instead of client-node's "Unknown API Status Code!".
import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { kubeErrorText } from '../../../src/kube/errors.js';

const forbidden = JSON.stringify({
  kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403,
  message: 'restpaths.apigateway.restpath.dev is forbidden: User "system:serviceaccount:restpath-system:restpath-operator" cannot list resource "restpaths" in API group "apigateway.restpath.dev" at the cluster scope',
});

describe('kubeErrorText', () => {
  it("reads the Status in a real ApiException's body (client-node's own message says Unknown API Status Code!)", () => {
    const error = new ApiException(403, 'Unknown API Status Code!', forbidden, {});
    expect(error.message).toContain('Unknown API Status Code!');
    expect(kubeErrorText(error)).toBe('HTTP 403 Forbidden: restpaths.apigateway.restpath.dev is forbidden: User "system:serviceaccount:restpath-system:restpath-operator" cannot list resource "restpaths" in API group "apigateway.restpath.dev" at the cluster scope');
  });

  it('takes a body that is already parsed, a body that is not JSON, and no body', () => {
    expect(kubeErrorText({ code: 409, body: { reason: 'Conflict', message: 'the object has been modified' } })).toBe('HTTP 409 Conflict: the object has been modified');
    expect(kubeErrorText({ code: 502, body: 'Bad Gateway\n' })).toBe('HTTP 502: Bad Gateway');
    expect(kubeErrorText({ code: 500, body: '' })).toBe('HTTP 500');
  });

  it('leaves other errors as their message', () => {
    expect(kubeErrorText(new Error('connect ECONNREFUSED 127.0.0.1:6443'))).toBe('connect ECONNREFUSED 127.0.0.1:6443');
    expect(kubeErrorText('plain')).toBe('plain');
  });
});
