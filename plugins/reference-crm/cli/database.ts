// The database the reference CRM's command-line scripts work on: DATABASE_URL, or the embedded
// data folder `npm start` uses.
import path from 'node:path';
import { createKnex, openDatabase } from '../../../src/index.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

export async function openCliDatabase() {
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.DATABASE_URL ? undefined : path.resolve(ROOT, process.env.DATA_DIR ?? '.data/pg'),
  });
  const db = createKnex(database.url, 2);
  return {
    db,
    mode: database.mode,
    async close() {
      await db.destroy();
      await database.close();
    },
  };
}

export async function runCli(work: (db: Awaited<ReturnType<typeof openCliDatabase>>['db']) => Promise<string>): Promise<void> {
  let opened: Awaited<ReturnType<typeof openCliDatabase>> | undefined;
  try {
    opened = await openCliDatabase();
    console.log(await work(opened.db));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  } finally {
    await opened?.close();
  }
}
