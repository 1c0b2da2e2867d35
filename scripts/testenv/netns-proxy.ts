// Forwards TCP connections between the host's loopback and the test node's network namespace
// (scripts/testenv/node.ts) through Unix sockets, which are files and so reachable from both sides.
// One process runs on each side; each argument is one forward, `listen=connect`:
//   tcp:HOST:PORT=unix:PATH   accept TCP here, carry each connection to the Unix socket PATH
//   unix:PATH=tcp:HOST:PORT   accept on the Unix socket PATH, connect to HOST:PORT here
// Writes its pid to --ready=FILE once every listener is up. Runs under plain node (type stripping):
// it imports only Node's own modules.
import { rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

type End = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

function parseEnd(text: string): End {
  if (text.startsWith('unix:')) return { kind: 'unix', path: text.slice(5) };
  const m = /^tcp:(.+):(\d+)$/.exec(text);
  if (!m?.[1] || !m[2]) throw new Error(`not an endpoint: ${text} (tcp:HOST:PORT or unix:PATH)`);
  return { kind: 'tcp', host: m[1], port: Number(m[2]) };
}

function dial(end: End): Socket {
  return end.kind === 'tcp' ? connect(end.port, end.host) : connect(end.path);
}

function forward(listen: End, target: End): Promise<Server> {
  const server = createServer((downstream) => {
    const upstream = dial(target);
    downstream.pipe(upstream).pipe(downstream);
    const close = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const onListening = () => resolve(server);
    if (listen.kind === 'tcp') server.listen(listen.port, listen.host, onListening);
    else {
      rmSync(listen.path, { force: true });
      server.listen(listen.path, onListening);
    }
  });
}

const args = process.argv.slice(2);
const ready = args.find((a) => a.startsWith('--ready='))?.slice('--ready='.length);
const forwards = args.filter((a) => !a.startsWith('--')).map((a) => {
  const [listen, target] = a.split('=');
  if (!listen || !target) throw new Error(`not a forward: ${a} (listen=connect)`);
  return [parseEnd(listen), parseEnd(target)] as const;
});
await Promise.all(forwards.map(([listen, target]) => forward(listen, target)));
if (ready) writeFileSync(ready, `${process.pid}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0));
