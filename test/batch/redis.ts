/** A real redis-server for the queue tests: on a free loopback port, without persistence, stopped after the test. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';

/** Whether redis-server is installed (the queue tests skip without it; .ci/run installs it). */
export function haveRedis(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:PORT */
  url: string;
  /** Stops the server (SIGKILL: what it holds is lost, as it keeps nothing on disk anyway). */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts redis-server on `port` (a free one by default), no persistence, `args` added; resolves once it answers. */
export async function startRedis(args: string[] = [], port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  const server: ChildProcess = spawn(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), ...args],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  const pass = args[args.indexOf('--requirepass') + 1];
  const auth = args.includes('--requirepass') && pass ? ['-a', pass, '--no-auth-warning'] : [];
  const until = Date.now() + 20_000;
  for (;;) {
    // The server that answers must be this one (not another test's that holds the port).
    const r = spawnSync('redis-cli', ['-p', String(p), ...auth, 'info', 'server'], { encoding: 'utf8' });
    if (r.error) {
      await sleep(1000); // no redis-cli: give the server a moment instead
      break;
    }
    if (/^process_id:(\d+)/m.exec(r.stdout)?.[1] === String(server.pid)) break;
    if (Date.now() > until || server.exitCode !== null) {
      server.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${p}`);
    }
    await sleep(50);
  }
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      await exited;
    },
  };
}
