// `make setup`: everything the tests need that is not an npm package, built or installed ahead of
// time (and cached), so the first test run does not pay for it inside a test timeout.
import { controlPlaneBinaries } from './control-plane.js';
import { EMULATOR_KINDS, emulatorKind, ensureAwsCli, ensureEmulatorVenv } from './aws-emulator.js';

const started = Date.now();
const bin = await controlPlaneBinaries();
console.log(`control plane binaries: ${bin}`);
// The configured emulator always; both when asked (e.g. to compare them).
const kinds = process.env.RESTPATH_SETUP_ALL_EMULATORS ? EMULATOR_KINDS : [emulatorKind()];
for (const kind of kinds) console.log(`${kind} virtualenv: ${await ensureEmulatorVenv(kind)}`);
console.log(`aws CLI: ${await ensureAwsCli()}`);
console.log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
