// Runs a command to completion, capturing its output; a failure says which step failed and shows
// the command's last lines.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // stdin is a pipe only when there is input to send: a child that exits without reading it would
    // otherwise make the write fail with EPIPE.
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the child's exit code and stderr tell what went wrong
      child.stdin.end(opts.input);
    }
  });
}

export async function runStep(step: string, command: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const result = await run(command, args, opts).catch((err: Error) => {
    throw new Error(`${step} failed: ${err.message}`);
  });
  if (result.code !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${step} failed (exit ${result.code}):\n${tail}`);
  }
  return result.stdout;
}
