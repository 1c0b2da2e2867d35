// Method settings of a stage, pure: logging, metrics, caching and throttling per key ("*/*" for the
// stage default, "~1orders/GET" for one method), as API Gateway stores them: an entry has every field,
// and one that is not set reads as AWS's default (throttling 10,000 rps / 5,000 burst). A per-method
// entry replaces the stage default for that method entirely, so the fields a RestPath does not give
// are filled from the stage default; otherwise a method with only `metrics: true` would silently lose
// the stage's throttling and logging (a classic of hand-made stages).
import type { MethodSettings } from '../api/stage.js';
import type { PatchOperation } from './operations.js';
import { replaceIfChanged } from './patch.js';

export interface ThrottleSetting {
  rateLimit: number;
  burstLimit: number;
}

export interface MethodSettingShape {
  loggingLevel: 'OFF' | 'ERROR' | 'INFO';
  dataTraceEnabled: boolean;
  metricsEnabled: boolean;
  cachingEnabled: boolean;
  cacheTtlInSeconds: number;
  cacheDataEncrypted: boolean;
  requireAuthorizationForCacheControl: boolean;
}

export const STAGE_DEFAULT = '*/*';
/** What API Gateway reports for the throttling of an entry that sets none: the account's default limits. */
export const DEFAULT_THROTTLE: ThrottleSetting = { rateLimit: 10_000, burstLimit: 5_000 };
export const DEFAULT_METHOD_SETTING: MethodSettingShape = {
  loggingLevel: 'OFF', dataTraceEnabled: false, metricsEnabled: false, cachingEnabled: false, cacheTtlInSeconds: 300, cacheDataEncrypted: false, requireAuthorizationForCacheControl: true,
};

/** The UpdateStage path of each field, under "/{key}/". */
const FIELD_PATHS: readonly [keyof MethodSettingShape, string][] = [
  ['loggingLevel', 'logging/loglevel'], ['dataTraceEnabled', 'logging/dataTrace'], ['metricsEnabled', 'metrics/enabled'],
  ['cachingEnabled', 'caching/enabled'], ['cacheTtlInSeconds', 'caching/ttlInSeconds'], ['cacheDataEncrypted', 'caching/dataEncrypted'],
  ['requireAuthorizationForCacheControl', 'caching/requireAuthorizationForCacheControl'],
];

/** The spec's settings over `base` (the stage default for a method, AWS's defaults for the stage). */
export function methodSettingShape(s: MethodSettings | undefined, base: MethodSettingShape = DEFAULT_METHOD_SETTING): MethodSettingShape {
  return {
    loggingLevel: s?.loggingLevel ?? base.loggingLevel,
    dataTraceEnabled: s?.dataTrace ?? base.dataTraceEnabled,
    metricsEnabled: s?.metrics ?? base.metricsEnabled,
    cachingEnabled: s?.caching?.enabled ?? base.cachingEnabled,
    cacheTtlInSeconds: s?.caching?.ttlSeconds ?? base.cacheTtlInSeconds,
    cacheDataEncrypted: s?.caching?.encrypted ?? base.cacheDataEncrypted,
    requireAuthorizationForCacheControl: s?.caching?.requireAuthorizationForCacheControl ?? base.requireAuthorizationForCacheControl,
  };
}

export const sameSetting = (a: MethodSettingShape, b: MethodSettingShape): boolean => FIELD_PATHS.every(([k]) => a[k] === b[k]);
export const sameThrottle = (a: ThrottleSetting, b: ThrottleSetting): boolean => a.rateLimit === b.rateLimit && a.burstLimit === b.burstLimit;

/** One stage's method settings: which keys exist, and their throttling and other settings. */
export interface MethodSettingsView {
  /** Keys with an entry (in AWS: every key it reports; desired: every key that differs from AWS's defaults). */
  keys: readonly string[];
  /** Throttling differing from DEFAULT_THROTTLE, by key. */
  throttling: Readonly<Record<string, ThrottleSetting>>;
  /** Settings other than throttling, by key; a key missing here has DEFAULT_METHOD_SETTING. */
  settings: Readonly<Record<string, MethodSettingShape>>;
}

/**
 * UpdateStage operations from `from` to `to`, field by field and only where they differ (a new entry
 * starts from AWS's defaults). The stage default no longer wanted is removed whole ("remove /*\/*").
 * A method entry no longer wanted is written to read like the stage default instead: what it inherits
 * is then what it serves, and it is left in place, since the emulator refuses "remove /{path}/{method}"
 * (test/aws-emulator/README.md) and an entry equal to the default changes nothing for clients.
 */
export function methodSettingsPatch(from: MethodSettingsView, to: MethodSettingsView): PatchOperation[] {
  const keys = [...new Set([...from.keys, ...to.keys])].sort();
  return keys.flatMap((key): PatchOperation[] => {
    if (!to.keys.includes(key) && !from.keys.includes(key)) return [];
    if (!to.keys.includes(key) && key === STAGE_DEFAULT) return [{ op: 'remove', path: `/${key}` }];
    const source = to.keys.includes(key) ? key : STAGE_DEFAULT;
    const have = { throttle: from.throttling[key] ?? DEFAULT_THROTTLE, setting: from.settings[key] ?? DEFAULT_METHOD_SETTING };
    const want = { throttle: to.throttling[source] ?? DEFAULT_THROTTLE, setting: to.settings[source] ?? DEFAULT_METHOD_SETTING };
    return [
      ...replaceIfChanged(`/${key}/throttling/rateLimit`, have.throttle.rateLimit, want.throttle.rateLimit),
      ...replaceIfChanged(`/${key}/throttling/burstLimit`, have.throttle.burstLimit, want.throttle.burstLimit),
      ...FIELD_PATHS.flatMap(([field, path]) => replaceIfChanged(`/${key}/${path}`, have.setting[field], want.setting[field])),
    ];
  });
}
