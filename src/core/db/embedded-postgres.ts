// Embedded PostgreSQL for the demo and for tests on a machine without a server: PGlite served over
// the Postgres wire protocol, so the rest of the code speaks plain `pg` in both modes.
//
// Facts this relies on (measured with pglite-socket 0.2.17):
// - every connection shares one backend session; a transaction makes other connections wait until it
//   ends, so code must always pass its `trx` down instead of reaching for a fresh connection;
// - maxConnections must cover all pools added together, or extra clients see ECONNRESET;
// - its queue takes one protocol message at a time from any connection, so one connection's
//   Parse/Bind/Execute could interleave with another's and run the wrong unnamed statement ("bind
//   message supplies 5 parameters, but prepared statement requires 2") whenever two requests query
//   at once (live pages make that common): keepStatementsTogether() below holds the backend for one
//   connection from its Parse to its Sync.
import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';

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
  // Loaded here, not with this module: a portal on a PostgreSQL server never starts the engine,
  // and loading it costs every process that imports the core most of a second.
  const [{ PGlite }, { btree_gist }, { pg_trgm }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gist'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite-socket'),
  ]);
  const db = await PGlite.create({
    // Trigram indexes serve the client lists' search, and btree_gist the appointments' exclusion
    // constraint (the reference CRM's migrations create both).
    extensions: { pg_trgm, btree_gist },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections ?? 32,
  });
  keepStatementsTogether((server as unknown as { queryQueue: QueryQueue }).queryQueue);
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

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

// Frontend messages that open or continue an extended-protocol exchange, and those that end one.
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const ENDS = new Set(['S', 'Q', 'X'].map((c) => c.charCodeAt(0)));

/**
 * Replaces pglite-socket's queue loop with one that, besides keeping a transaction's connection in
 * charge (as the original does), keeps a connection in charge from its first extended-protocol
 * message to its Sync. Messages of other connections wait in the queue meanwhile.
 */
function keepStatementsTogether(queue: QueryQueue): void {
  let holder: number | null = null;
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (holder === handlerId) {
      holder = null;
      void queue.processQueue();
    }
  };
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = holder ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === owner);
        if (index === -1) break; // the owner's next message has not arrived; enqueue() restarts the loop
        const [item] = this.queue.splice(index, 1) as [QueuedMessage];
        const type = item.message[0] ?? 0;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          holder = null;
          item.reject(err);
          continue;
        }
        if (EXTENDED.has(type)) holder = item.handlerId;
        else if (ENDS.has(type)) holder = null;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }.bind(queue);
}
