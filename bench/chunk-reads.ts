// How the PostgreSQL file store's download reads compare, in this process and without HTTP: a
// 25 MB file read back one 128 KB chunk per query as hex text (how it was), eight chunks per query
// as hex, and eight per query as base64 (how createDatabaseStorage reads now). Prints MB/s.
//   DATABASE_URL=postgres://... npx tsx bench/chunk-reads.ts [--mb 25] [--rounds 3]
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createKnex } from '../src/core/db/connect.ts';
import { CHUNKS_PER_READ, createDatabaseStorage, DATABASE_CHUNK_BYTES } from '../src/core/files/database-storage.ts';
import { migratePortal } from '../src/migrations/index.ts';
import { createTestDatabase } from '../test/support/database.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '25' }, rounds: { type: 'string', default: '3' } } });
const MB = 1024 * 1024;
const sizeMb = Number(values.mb);
const rounds = Number(values.rounds);

const database = await createTestDatabase();
const db = createKnex(database.url);
try {
  await migratePortal(db);
  const storage = createDatabaseStorage(db);
  const content = randomBytes(sizeMb * MB);
  async function* once() {
    yield content;
  }
  const { id } = await storage.putStream('ws', 'client_upload', { filename: 'bench.bin', contentType: 'application/pdf' }, once());
  const chunks = Math.ceil((sizeMb * MB) / DATABASE_CHUNK_BYTES);

  const hexReads = async (perQuery: number) => {
    let bytes = 0;
    for (let from = 0; from < chunks; from += perQuery) {
      const rows = await db('portal_file_chunks')
        .where('file_id', id)
        .andWhere('seq', '>=', from)
        .andWhere('seq', '<', from + perQuery)
        .orderBy('seq')
        .select<Array<{ content: Buffer }>>('content');
      for (const row of rows) bytes += row.content.length;
    }
    return bytes;
  };
  const storeReads = async () => {
    let bytes = 0;
    for await (const part of (await storage.open('ws', id))!.content) bytes += (part as Buffer).length;
    return bytes;
  };
  const ways: Array<[string, () => Promise<number>]> = [
    ['1 chunk per query, hex (before)', () => hexReads(1)],
    [`${CHUNKS_PER_READ} chunks per query, hex`, () => hexReads(CHUNKS_PER_READ)],
    [`${CHUNKS_PER_READ} chunks per query, base64 (the store now)`, storeReads],
  ];
  console.log(`${sizeMb} MB read back from portal_file_chunks, database: ${database.mode}, best of ${rounds}`);
  for (const [label, read] of ways) {
    let best = Infinity;
    for (let i = 0; i < rounds; i++) {
      const started = process.hrtime.bigint();
      const bytes = await read();
      if (bytes !== sizeMb * MB) throw new Error(`${label}: read ${bytes} bytes`);
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
    }
    console.log(`  ${label.padEnd(48)} ${(sizeMb / best).toFixed(1)} MB/s (${best.toFixed(2)} s)`);
  }
} finally {
  await db.destroy();
  await database.drop();
}
