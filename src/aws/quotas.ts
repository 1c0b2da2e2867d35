// API Gateway's control-plane quotas (per account and Region; none can be raised), from AWS's
// "Amazon API Gateway quotas" page. The rate limiter's defaults and
// the quota proxy the tests and benchmarks run behind both use this table.
import type { BucketSpec } from '../util/token-bucket.js';

/** All management calls together. */
export const ACCOUNT_BUCKET: BucketSpec = { rate: 10, burst: 40 };

/** Operations with a quota of their own, on top of the account-wide one. */
export const OPERATION_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  GetResources: { rate: 2.5, burst: 5 }, // 5 every 2 seconds
  CreateResource: { rate: 5, burst: 5 },
  DeleteResource: { rate: 5, burst: 5 },
  CreateApiKey: { rate: 5, burst: 5 },
  DeleteApiKey: { rate: 5, burst: 5 },
  CreateDeployment: { rate: 0.2, burst: 1 }, // 1 every 5 seconds
  CreateRestApi: { rate: 1 / 3, burst: 1 }, // regional or private; edge-optimized is 1 every 30 s
  DeleteRestApi: { rate: 1 / 30, burst: 1 },
  PutRestApi: { rate: 1, burst: 1 }, // body up to 2 MB
  ImportRestApi: { rate: 1 / 3, burst: 1 }, // as CreateRestApi: regional or private; edge-optimized is 1 every 30 s
  UpdateUsagePlan: { rate: 1 / 20, burst: 1 },
  UpdateAccount: { rate: 1 / 20, burst: 1 },
  CreateDomainName: { rate: 1 / 30, burst: 1 },
  UpdateDomainName: { rate: 1 / 30, burst: 1 },
  DeleteDomainName: { rate: 1 / 30, burst: 1 },
};

/** The shortest time the quotas allow to create n paths with k calls each and deploy once (aws-quotas.md). */
export function minimumSeconds(n: number, k: number): number {
  return Math.max(n / OPERATION_BUCKETS.CreateResource!.rate, (n * k - ACCOUNT_BUCKET.burst) / ACCOUNT_BUCKET.rate) + 5;
}
