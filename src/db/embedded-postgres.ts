// Embedded PostgreSQL for the demo and for tests on a machine without a server: PGlite served over
// the Postgres wire protocol, so the rest of the code speaks plain `pg` in both modes.
//
// Facts this relies on (measured with pglite-socket 0.2.17):
// - every connection shares one backend session; a transaction makes other connections wait until it
//   ends, so code must always pass its `trx` down instead of reaching for a fresh connection;
// - maxConnections must cover all pools added together, or extra clients see ECONNRESET.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  /** A tarball of the data folder, to start another instance from (tests use it to skip initdb). */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data between runs; omit for an in-memory database. */
  dataDir?: string;
  /** A tarball from `dumpDataDir()` to start from instead of running initdb. */
  loadDataDir?: Blob;
  maxConnections?: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections ?? 32,
  });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    url,
    dump: () => db.dumpDataDir('none'),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
