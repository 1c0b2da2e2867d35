import { startEnvironment } from './testenv/environment.js';
const t0 = Date.now();
const env = await startEnvironment({ keepRunDir: true });
console.log('started in', Date.now() - t0, 'ms', env.controlPlane.startupMs, env.aws.startupMs, env.runDir, env.aws.endpoint);
await env.stop();
console.log('stopped');
