// Four tiers (docs/architecture.md): unit and reconciler tests need nothing (the reconciler tier runs
// the real reconcilers over an in-memory AWS); integration and e2e tests run against a real
// kube-apiserver + etcd and the AWS emulator that test/global-setup.ts starts once per run and stops
// by pid at the end.
import { defineConfig } from 'vitest/config';

const withEnvironment = {
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // One file at a time against the shared control plane and emulator: 2 cores, and moto (the
  // alternative emulator) can only give a clean state by a global reset.
  fileParallelism: false,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The reconcilers driven in-process: an in-memory AWS on the simulator and a recording writer.
      { test: { name: 'reconciler', include: ['test/reconciler/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...withEnvironment } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], ...withEnvironment } },
    ],
  },
});
