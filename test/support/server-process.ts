// `npm start` as a real child process (the reference CRM's server.ts), for the tests that need the
// process itself: its start-up refusals, production mode, signals.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SERVER = path.join(ROOT, 'plugins/reference-crm/server.ts');

export interface StartedServer {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the server with only PATH, HOME and `env` in its environment. */
export function startServer(env: Record<string, string>): StartedServer {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The address the server prints once it is ready (it listens on a free port). */
export async function addressOf(server: StartedServer): Promise<string> {
  for (;;) {
    const match = /running at (http:\/\/\S+)/.exec(server.output());
    if (match) return match[1]!;
    const done = await Promise.race([
      server.exited.then(() => 'exited'),
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 100)),
    ]);
    if (done === 'exited') throw new Error(`the server exited:\n${server.output()}`);
  }
}

/** Stops the server if it still runs (a test that failed half-way leaves it up), and waits for its exit. */
export async function stopServer(server: StartedServer | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}
