import { describe, expect, it } from 'vitest';
import { stageFromAws } from '../../../src/aws/stages.js';
import { ACCESS_LOG_FORMATS, desiredStage, stageAt, stagePatch, STAGE_DEFAULT, type ObservedStage } from '../../../src/plan/stages.js';
import { DEFAULT_METHOD_SETTING } from '../../../src/plan/stage-settings.js';

const observed = (over: Partial<ObservedStage> = {}): ObservedStage => ({
  name: 'prod', deploymentId: 'dep1', description: '', variables: {}, settingKeys: [], throttling: {}, settings: {}, tracingEnabled: false, cacheCluster: { enabled: false, size: '0.5' }, clientCertificateId: '', ...over,
});

describe('stages', () => {
  it('keys the stage default as */* and methods by escaped path and method', () => {
    const d = desiredStage({ name: 'prod', throttling: { rateLimit: 500, burstLimit: 1000 } }, [
      { path: '/orders/{orderId}', httpMethod: 'GET', throttling: { rateLimit: 50, burstLimit: 100 } },
    ]);
    expect(d.throttling).toEqual({ [STAGE_DEFAULT]: { rateLimit: 500, burstLimit: 1000 }, '~1orders~1{orderId}/GET': { rateLimit: 50, burstLimit: 100 } });
    expect(d.settingKeys).toEqual([STAGE_DEFAULT, '~1orders~1{orderId}/GET']);
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
    expect(stagePatch(stageAt(want, 'dep1'), want, 'dep1')).toEqual([]);
  });

  it('adds a new variable with replace (API Gateway creates it) and removes a method settings entry no longer declared, whole', () => {
    const want = desiredStage({ name: 'prod', variables: { v: '1' } }, []);
    expect(stagePatch(observed({ settingKeys: [STAGE_DEFAULT], throttling: { [STAGE_DEFAULT]: { rateLimit: 1, burstLimit: 1 } } }), want)).toEqual([
      { op: 'replace', path: '/variables/v', value: '1' },
      { op: 'remove', path: '/*/*' },
    ]);
  });

  it('writes logging, metrics and caching for */*, and a method override inherits what it does not set (throttling included)', () => {
    const want = desiredStage(
      { name: 'prod', throttling: { rateLimit: 100, burstLimit: 200 }, cacheCluster: { enabled: true }, methodSettings: { loggingLevel: 'ERROR', metrics: true, caching: { enabled: true, ttlSeconds: 60 } } },
      [{ path: '/orders', httpMethod: 'GET', settings: { loggingLevel: 'INFO' } }, { path: '/same', httpMethod: 'GET', settings: { metrics: true } }],
    );
    // /same reads like the stage default: no entry of its own.
    expect(want.settingKeys).toEqual([STAGE_DEFAULT, '~1orders/GET']);
    expect(want.settings['~1orders/GET']).toEqual({ ...DEFAULT_METHOD_SETTING, loggingLevel: 'INFO', metricsEnabled: true, cachingEnabled: true, cacheTtlInSeconds: 60 });
    expect(want.throttling['~1orders/GET']).toEqual({ rateLimit: 100, burstLimit: 200 });
    const ops = stagePatch(observed(), want);
    expect(ops).toContainEqual({ op: 'replace', path: '/*/*/logging/loglevel', value: 'ERROR' });
    expect(ops).toContainEqual({ op: 'replace', path: '/~1orders/GET/logging/loglevel', value: 'INFO' });
    expect(ops).toContainEqual({ op: 'replace', path: '/~1orders/GET/throttling/rateLimit', value: '100' });
    expect(ops).toContainEqual({ op: 'replace', path: '/cacheClusterEnabled', value: 'true' });
    expect(ops).not.toContainEqual(expect.objectContaining({ path: '/*/*/caching/requireAuthorizationForCacheControl' }));
  });

  it('reads AWS\'s entries (every field present, defaults for the unset ones) as the same shape, so a synced stage plans nothing', () => {
    const want = desiredStage({ name: 'prod', methodSettings: { metrics: true }, tracing: true, accessLogs: { destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:access', format: 'clf' } }, []);
    const aws = stageFromAws({
      stageName: 'prod', deploymentId: 'dep1', tracingEnabled: true, cacheClusterEnabled: false,
      accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:access', format: ACCESS_LOG_FORMATS.clf },
      methodSettings: { '*/*': { metricsEnabled: true, dataTraceEnabled: false, throttlingBurstLimit: 5000, throttlingRateLimit: 10000, cachingEnabled: false, cacheTtlInSeconds: 300, cacheDataEncrypted: false, requireAuthorizationForCacheControl: true, unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER' } },
    });
    expect(aws.throttling).toEqual({});
    expect(stagePatch(aws, want)).toEqual([]);
    expect(stagePatch(aws, desiredStage({ name: 'prod' }, []))).toEqual([
      { op: 'remove', path: '/*/*' }, { op: 'remove', path: '/accessLogSettings' }, { op: 'replace', path: '/tracingEnabled', value: 'false' },
    ]);
  });

  it('writes a method entry no longer declared to read like the stage default (the stage default itself is removed whole)', () => {
    const before = desiredStage({ name: 'prod', methodSettings: { loggingLevel: 'ERROR' } }, [{ path: '/a', httpMethod: 'GET', settings: { loggingLevel: 'INFO' } }]);
    const after = desiredStage({ name: 'prod', methodSettings: { loggingLevel: 'ERROR' } }, []);
    expect(stagePatch(stageAt(before, 'dep1'), after)).toEqual([{ op: 'replace', path: '/~1a/GET/logging/loglevel', value: 'ERROR' }]);
    // Once it reads like the default, nothing more is sent.
    const reset = stageAt(before, 'dep1');
    reset.settings['~1a/GET'] = after.settings[STAGE_DEFAULT]!;
    expect(stagePatch(reset, after)).toEqual([]);
  });

  it('patches an existing canary\'s traffic and overrides; a canary that is not there yet is left to the deployment', () => {
    const want = desiredStage({ name: 'prod', canary: { percentTraffic: 10, stageVariableOverrides: { backend: 'v2' } } }, []);
    expect(stagePatch(observed(), want)).toEqual([]);
    const live = observed({ canary: { deploymentId: 'dep2', percentTraffic: 50, stageVariableOverrides: {}, useStageCache: false } });
    expect(stagePatch(live, want)).toEqual([
      { op: 'replace', path: '/canarySettings/percentTraffic', value: '10' },
      { op: 'replace', path: '/canarySettings/stageVariableOverrides/backend', value: 'v2' },
    ]);
  });
});
