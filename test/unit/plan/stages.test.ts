import { describe, expect, it } from 'vitest';
import { desiredStage, stagePatch, STAGE_DEFAULT, type ObservedStage } from '../../../src/plan/stages.js';

const observed = (over: Partial<ObservedStage> = {}): ObservedStage => ({ name: 'prod', deploymentId: 'dep1', description: '', variables: {}, throttling: {}, ...over });

describe('stages', () => {
  it('keys the stage default as */* and methods by escaped path and method', () => {
    const d = desiredStage({ name: 'prod', throttling: { rateLimit: 500, burstLimit: 1000 } }, [
      { path: '/orders/{orderId}', httpMethod: 'GET', throttling: { rateLimit: 50, burstLimit: 100 } },
    ]);
    expect(d.throttling).toEqual({ [STAGE_DEFAULT]: { rateLimit: 500, burstLimit: 1000 }, '~1orders~1{orderId}/GET': { rateLimit: 50, burstLimit: 100 } });
  });

  it('patches deployment, variables and throttling in place, and nothing when in sync', () => {
    const want = desiredStage({ name: 'prod', variables: { backendHost: 'orders.prod' }, throttling: { rateLimit: 10, burstLimit: 20 } }, []);
    expect(stagePatch(observed({ variables: { backendHost: 'old', gone: 'x' } }), want, 'dep2')).toEqual([
      { op: 'replace', path: '/deploymentId', value: 'dep2' },
      { op: 'replace', path: '/variables/backendHost', value: 'orders.prod' },
      { op: 'remove', path: '/variables/gone' },
      { op: 'replace', path: '/*/*/throttling/rateLimit', value: '10' },
      { op: 'replace', path: '/*/*/throttling/burstLimit', value: '20' },
    ]);
    const synced = observed({ variables: { backendHost: 'orders.prod' }, throttling: { [STAGE_DEFAULT]: { rateLimit: 10, burstLimit: 20 } } });
    expect(stagePatch(synced, want, 'dep1')).toEqual([]);
  });

  it('adds a new variable with replace (API Gateway creates it) and removes dropped throttling', () => {
    const want = desiredStage({ name: 'prod', variables: { v: '1' } }, []);
    expect(stagePatch(observed({ throttling: { [STAGE_DEFAULT]: { rateLimit: 1, burstLimit: 1 } } }), want)).toEqual([
      { op: 'replace', path: '/variables/v', value: '1' },
      { op: 'remove', path: '/*/*/throttling/rateLimit' },
      { op: 'remove', path: '/*/*/throttling/burstLimit' },
    ]);
  });
});
