// `npm run portal -- …` as a real child process (tsx plugins/standalone/cli.ts), always async: the
// test process may serve the database the child talks to, so a blocking spawn would wait forever.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const CLI = path.join(ROOT, 'plugins/standalone/cli.ts');

/** Only PATH, HOME and `env`: nothing of the test's own environment leaks into the command. */
const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runPortal(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { cwd: ROOT, env: childEnv(env), timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface ServingPortal {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  url: string;
}

/** `serve`, waiting for its "running at" line (it fails with what it printed if it exits first). */
export async function servePortal(args: string[], env: Record<string, string>): Promise<ServingPortal> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (;;) {
    const match = /running at (http:\/\/\S+)/.exec(output);
    if (match) return { child, output: () => output, exited, url: match[1]! };
    const done = await Promise.race([exited.then(() => 'exited'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 100))]);
    if (done === 'exited') throw new Error(`serve exited:\n${output}`);
  }
}

export async function stopPortal(serving: ServingPortal | undefined): Promise<number | null> {
  if (!serving) return null;
  if (serving.child.exitCode === null) serving.child.kill('SIGTERM');
  return serving.exited;
}

/** A free TCP port on 127.0.0.1 (APP_URL must name the port before the server starts). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
