// The reference CRM on its own, without the customer portal: the host as it is before the plugin
// is enabled. The committed AUDIT_REPORT.md probes its routes (`--app-url`), so it starts
// in-process on a free port with its own database holding its schema: the one given (a fresh test
// database), or an in-memory embedded one.
import { randomBytes } from 'node:crypto';
import { createKnex, createPgPool, listen, openDatabase } from '../../src/index.ts';
import { createReferenceCrmApp } from './app.ts';
import { migrateReferenceCrm } from './migrations/index.ts';

export interface RunningHost {
  /** http://127.0.0.1:<free port> */
  url: string;
  close(): Promise<void>;
}

export async function startReferenceCrmAlone(options: { databaseUrl?: string | undefined } = {}): Promise<RunningHost> {
  const database = await openDatabase({ databaseUrl: options.databaseUrl });
  const db = createKnex(database.url, 2);
  const sessionPool = createPgPool(database.url, 1);
  try {
    await migrateReferenceCrm(db);
    const app = createReferenceCrmApp({
      db,
      sessionPool,
      sessionSecret: randomBytes(32).toString('hex'),
      secureCookies: false,
      plugins: [],
    });
    const { server, port } = await listen(app, 0, '127.0.0.1');
    return {
      url: `http://127.0.0.1:${port}`,
      async close() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections?.();
        await sessionPool.end();
        await db.destroy();
        await database.close();
      },
    };
  } catch (error) {
    await sessionPool.end();
    await db.destroy();
    await database.close();
    throw error;
  }
}
