// `npm run portal -- …` for the tests: its one-shot commands (migrate, rollback, invite, check) run
// in the test's process (runPortal: the command line of cli-run.ts, given only PATH, HOME and what
// the test sets), since a process of their own spent seconds of CPU loading the portal for each;
// `serve`, and the few tests of the command as a person types it (runPortalProcess), are a real
// child process (tsx plugins/standalone/cli.ts), always async: the test process may serve the
// database the child talks to, so a blocking spawn would wait forever.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { runPortalCli } from '../../plugins/standalone/cli-run.ts';
import { onAFreePort } from '../support/free-port.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const CLI = path.join(ROOT, 'plugins/standalone/cli.ts');

/** Only PATH, HOME and `env`: nothing of the test's own environment leaks into the command. */
const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A one-shot command, run here: its exit code and what it wrote, as a process of its own would give them. */
export async function runPortal(args: string[], env: Record<string, string>): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const code = await runPortalCli(args, childEnv(env), {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** A command as a child process, as a person at a terminal runs it. */
export function runPortalProcess(args: string[], env: Record<string, string>): Promise<CommandResult> {
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
  /** The exit code, or null when a signal ended the process (see `ended` for which). */
  exited: Promise<number | null>;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url: string;
}

/** `serve`, waiting for its "running at" line (it fails with what it printed if it exits first). */
async function servePortal(args: string[], env: Record<string, string>): Promise<ServingPortal> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const exited = ended.then(({ code }) => code);
  for (;;) {
    const match = /running at (http:\/\/\S+)/.exec(output);
    if (match) return { child, output: () => output, exited, ended, url: match[1]! };
    const done = await Promise.race([exited.then(() => 'exited'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 100))]);
    if (done === 'exited') throw new Error(`serve exited:\n${output}`);
  }
}

/** `serve` on a free port, tried again on another when a socket took it first (it then says "already in use"). */
export function serveOnAFreePort(args: string[], envFor: (port: number) => Record<string, string>): Promise<ServingPortal> {
  return onAFreePort(
    (port) => servePortal(args, envFor(port)),
    (error) => /is already in use/.test(String(error)),
  );
}

/**
 * SIGTERM, then the exit code once the process ends. When it does not end within `withinMs` it is
 * killed (SIGKILL) and the error says so; when a signal ended it (no code), the error names the
 * signal. Either error gives how long it waited and the last lines the process printed.
 */
export async function stopPortal(serving: ServingPortal | undefined, withinMs = 30_000): Promise<number | null> {
  if (!serving) return null;
  const started = performance.now();
  if (serving.child.exitCode === null && serving.child.signalCode === null) serving.child.kill('SIGTERM');
  const timedOut = Symbol('timed out');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    serving.ended,
    new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), withinMs))),
  ]);
  clearTimeout(timer);
  const waited = Math.round(performance.now() - started);
  const lastLines = () => `its last lines:\n${serving.output().trimEnd().split('\n').slice(-15).join('\n')}`;
  if (outcome === timedOut) {
    serving.child.kill('SIGKILL');
    await serving.ended;
    throw new Error(`serve did not exit within ${withinMs} ms of SIGTERM (killed with SIGKILL); ${lastLines()}`);
  }
  if (outcome.code === null)
    throw new Error(`serve was ended by ${outcome.signal} ${waited} ms after SIGTERM, without exiting itself; ${lastLines()}`);
  return outcome.code;
}
