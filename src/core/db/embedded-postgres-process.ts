// The embedded database in a process of its own. PGlite is PostgreSQL compiled to WebAssembly: its
// memory (hundreds of MB once warm) would otherwise sit in the app's process and count against it.
// The child serves the same Postgres wire protocol on 127.0.0.1, so nothing else changes; it stops
// when asked and when the app's process goes away (the IPC channel closes).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmbeddedPostgresOptions } from './embedded-postgres.ts';

export interface EmbeddedPostgresProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./embedded-postgres-child.ts', import.meta.url));

export async function startEmbeddedPostgresProcess(
  options: Pick<EmbeddedPostgresOptions, 'dataDir'> = {},
): Promise<EmbeddedPostgresProcess> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, EMBEDDED_POSTGRES_DATA_DIR: options.dataDir ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url?: string; error?: string }) =>
      message.url ? resolve(message.url) : reject(new Error(message.error)),
    );
    child.once('exit', (code) => reject(new Error(`the embedded database process exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ stop: true });
      }),
  };
}
