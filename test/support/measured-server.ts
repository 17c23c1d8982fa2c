// Starts measured-server-child.ts (the reference CRM alone in a process with --expose-gc) on a
// database the caller made, and measures that process's memory around whatever the caller does.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const CHILD = path.join(path.dirname(new URL(import.meta.url).pathname), 'measured-server-child.ts');

export interface MeasuredServer {
  url: string;
  login: { email: string; password: string };
  /** Runs `work` while the server samples its own memory; the peak growth over the baseline. */
  measure<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number; rssGrowthMb: number; samples: number }>;
  close(): Promise<void>;
}

export async function startMeasuredServer(options: {
  databaseUrl: string;
  flagsFile: string;
  fileStorageDir?: string;
}): Promise<MeasuredServer> {
  const child: ChildProcess = fork(CHILD, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: {
      ...process.env,
      MEASURED_DATABASE_URL: options.databaseUrl,
      MEASURED_FLAGS_FILE: options.flagsFile,
      MEASURED_FILE_STORAGE_DIR: options.fileStorageDir ?? '',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = <T>(predicate: (message: Record<string, unknown>) => boolean) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (typeof message === 'object' && message !== null && predicate(message as Record<string, unknown>)) {
          child.off('message', onMessage);
          resolve(message as T);
        }
      };
      child.on('message', onMessage);
      void exited.then((code) => reject(new Error(`the measured server exited (${code})`)));
    });
  const ready = await next<{ ready: string; login: { email: string; password: string } }>((m) => 'ready' in m);
  return {
    url: ready.ready,
    login: ready.login,
    async measure(work) {
      const started = next((m) => 'started' in m);
      child.send('start');
      await started;
      const outcome = await work().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const stopped = next<{ growthMb: number; rssGrowthMb: number; samples: number }>((m) => 'growthMb' in m);
      child.send('stop');
      const measured = await stopped;
      if (!outcome.ok) throw outcome.error;
      return { result: outcome.value, ...measured };
    },
    async close() {
      if (child.exitCode !== null) return;
      child.send('close');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
