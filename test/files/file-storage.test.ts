// The FileStorage port's two implementations, run through the same cases: PostgreSQL (chunked
// rows) and a directory on disk. Small put/get round-trips, streamed puts read back in chunks,
// workspace scoping, malformed ids, and a stream that fails halfway leaving nothing behind. Then
// the clamd scanner against a real TCP server speaking clamd's INSTREAM protocol that flags EICAR.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { createKnex } from '../../src/core/db/connect.ts';
import { createClamdScanner, VirusScanError } from '../../src/core/files/clamd-scanner.ts';
import { CHUNKS_PER_READ, createDatabaseStorage, DATABASE_CHUNK_BYTES } from '../../src/core/files/database-storage.ts';
import { createDirectoryStorage } from '../../src/core/files/directory-storage.ts';
import type { FileStorage } from '../../src/core/ports/services.ts';
import { migratePortal } from '../../src/migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { EICAR, startFakeClamd } from '../support/fake-clamd.ts';

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts);
}

async function* pieces(content: Buffer, size: number, failAfter?: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < content.length; at += size) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('the client went away');
    yield content.subarray(at, at + size);
  }
}

const patterned = (bytes: number) => {
  const buffer = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buffer[i] = (i * 31 + (i >> 8)) & 0xff;
  return buffer;
};

function describeStorage(
  name: string,
  setup: () => Promise<{ storage: FileStorage; leftovers(): Promise<number>; close(): Promise<void> }>,
) {
  describe(`FileStorage: ${name}`, function () {
    let ctx: Awaited<ReturnType<typeof setup>>;
    before(async function () {
      this.timeout(120_000);
      ctx = await setup();
    });
    after(async function () {
      await ctx?.close();
    });

    it('round-trips a small file with put and get, within its workspace only', async function () {
      const content = Buffer.from('a logo');
      const id = await ctx.storage.put('ws-1', 'logo', {
        filename: 'logo.png',
        contentType: 'image/png',
        sizeBytes: content.length,
        content,
      });
      const got = await ctx.storage.get('ws-1', id);
      expect(got).to.include({ filename: 'logo.png', contentType: 'image/png', sizeBytes: content.length });
      expect(got!.content.toString()).to.equal('a logo');
      expect(await ctx.storage.get('ws-2', id)).to.equal(null);
      expect(await ctx.storage.open('ws-2', id)).to.equal(null);
      expect((await drain((await ctx.storage.open('ws-1', id))!.content)).toString()).to.equal('a logo');
      await ctx.storage.delete('ws-2', id);
      expect(await ctx.storage.get('ws-1', id), 'another workspace cannot delete it').to.not.equal(null);
      await ctx.storage.delete('ws-1', id);
      expect(await ctx.storage.get('ws-1', id)).to.equal(null);
    });

    it('stores a stream as it arrives and reads it back in chunks, byte for byte', async function () {
      // More than two of the PostgreSQL store's reads (CHUNKS_PER_READ chunks each).
      const content = patterned(DATABASE_CHUNK_BYTES * (CHUNKS_PER_READ * 2 + 1) + 12345);
      const { id, sizeBytes } = await ctx.storage.putStream(
        'ws-1',
        'client_upload',
        { filename: 'big.bin', contentType: 'application/pdf' },
        pieces(content, 70_000),
      );
      expect(sizeBytes).to.equal(content.length);
      const opened = await ctx.storage.open('ws-1', id);
      expect(opened).to.include({ filename: 'big.bin', sizeBytes: content.length });
      let chunks = 0;
      const parts: Buffer[] = [];
      for await (const part of opened!.content) {
        chunks += 1;
        parts.push(part as Buffer);
      }
      expect(chunks, 'read in several chunks').to.be.greaterThan(1);
      expect(Buffer.compare(Buffer.concat(parts), content)).to.equal(0);
      expect(Buffer.compare((await ctx.storage.get('ws-1', id))!.content, content)).to.equal(0);
      await ctx.storage.delete('ws-1', id);
      expect(await ctx.leftovers()).to.equal(0);
    });

    it('leaves nothing behind when the stream fails halfway', async function () {
      const content = patterned(DATABASE_CHUNK_BYTES * 2);
      let error: unknown;
      try {
        await ctx.storage.putStream(
          'ws-1',
          'client_upload',
          { filename: 'half.bin', contentType: 'application/pdf' },
          pieces(content, 64_000, DATABASE_CHUNK_BYTES + 1),
        );
      } catch (err) {
        error = err;
      }
      expect((error as Error).message).to.equal('the client went away');
      expect(await ctx.leftovers()).to.equal(0);
    });

    it('answers null for unknown and malformed ids', async function () {
      for (const id of ['', 'x', '../../etc/passwd', '00000000-0000-4000-8000-000000000000', 'x'.repeat(500)]) {
        expect(await ctx.storage.get('ws-1', id), id.slice(0, 20)).to.equal(null);
        expect(await ctx.storage.open('ws-1', id), id.slice(0, 20)).to.equal(null);
        await ctx.storage.delete('ws-1', id);
      }
    });
  });
}

describeStorage('PostgreSQL', async () => {
  const database: TestDatabase = await createTestDatabase();
  const db: Knex = createKnex(database.url);
  await migratePortal(db);
  return {
    storage: createDatabaseStorage(db),
    async leftovers() {
      const [files] = await db('portal_files').count({ n: '*' });
      const [chunks] = await db('portal_file_chunks').count({ n: '*' });
      return Number(files!.n) + Number(chunks!.n);
    },
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
});

// How the PostgreSQL store reads a download back, observed from the queries it sends: one query
// at a time for the next CHUNKS_PER_READ chunks, only when the reader asks for more, none past the
// end, and never more than one read waiting in the stream, however slowly the reader takes them.
// That is what keeps a 50 MB download from growing the server's memory with the file (see
// test/portal/large-files).
describe('FileStorage: PostgreSQL reads a download a few chunks at a time', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migratePortal(db);
  });
  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it('has at most one chunk query in flight and at most one read buffered', async function () {
    const storage = createDatabaseStorage(db);
    // Two full reads and a shorter last one.
    const chunks = CHUNKS_PER_READ * 2 + 3;
    const content = patterned(DATABASE_CHUNK_BYTES * chunks - 1000);
    const { id } = await storage.putStream(
      'ws-1',
      'client_upload',
      { filename: 'slow.bin', contentType: 'application/pdf' },
      pieces(content, 100_000),
    );
    let inFlight = 0;
    let maxInFlight = 0;
    let chunkQueries = 0;
    const asked: number[] = [];
    const started = (query: { sql: string; bindings: unknown[] }) => {
      if (!query.sql.includes('portal_file_chunks')) return;
      chunkQueries += 1;
      // The chunk range asked for (after the workspace and the file): seq >= from and seq < from + count.
      asked.push(Number(query.bindings[2]), Number(query.bindings[3]));
      maxInFlight = Math.max(maxInFlight, ++inFlight);
    };
    const ended = (_response: unknown, query: { sql: string }) => {
      if (query.sql.includes('portal_file_chunks')) inFlight -= 1;
    };
    db.on('query', started).on('query-response', ended);
    try {
      const opened = (await storage.open('ws-1', id))!;
      let maxBuffered = 0;
      const parts: Buffer[] = [];
      for await (const part of opened.content) {
        parts.push(part as Buffer);
        maxBuffered = Math.max(maxBuffered, opened.content.readableLength);
        // A slow reader: the store must wait for it rather than read ahead.
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(Buffer.compare(Buffer.concat(parts), content)).to.equal(0);
      expect(maxInFlight, 'chunk queries in flight at once').to.equal(1);
      expect(chunkQueries, 'one query per CHUNKS_PER_READ chunks, none past the end').to.equal(3);
      expect(asked, 'the ranges read').to.deep.equal([
        0,
        CHUNKS_PER_READ,
        CHUNKS_PER_READ,
        2 * CHUNKS_PER_READ,
        2 * CHUNKS_PER_READ,
        chunks,
      ]);
      expect(maxBuffered, 'bytes waiting in the stream').to.be.at.most(DATABASE_CHUNK_BYTES * CHUNKS_PER_READ);
    } finally {
      db.off('query', started).off('query-response', ended);
    }
  });
});

describeStorage('directory', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'portal-files-'));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [entry.name]));
  return {
    storage: createDirectoryStorage(root),
    leftovers: async () => files(root).length,
    async close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
});

describe('clamd virus scanner', function () {
  let clamd: Awaited<ReturnType<typeof startFakeClamd>>;
  before(async function () {
    clamd = await startFakeClamd();
  });
  after(async function () {
    await clamd.close();
  });

  it('streams the file in length-prefixed chunks and reports a clean file', async function () {
    const scanner = createClamdScanner({ host: '127.0.0.1', port: clamd.port });
    const content = patterned(300_000);
    expect(await scanner.scan(Readable.from(pieces(content, 65_536)))).to.deep.equal({ infected: false });
    expect(clamd.received.at(-1)).to.equal(content.length);
  });

  it('reports the signature of the EICAR test file, even split across chunks', async function () {
    const scanner = createClamdScanner({ host: '127.0.0.1', port: clamd.port });
    const content = Buffer.concat([patterned(10_000), Buffer.from(EICAR), patterned(10_000)]);
    expect(await scanner.scan(Readable.from(pieces(content, 10_030)))).to.deep.equal({ infected: true, signature: 'Eicar-Test-Signature' });
  });

  it('fails loudly, never "clean", when clamd cannot be reached', async function () {
    const closed = await startFakeClamd();
    await closed.close();
    const scanner = createClamdScanner({ host: '127.0.0.1', port: closed.port, timeoutMs: 2000 });
    let error: unknown;
    try {
      await scanner.scan(Readable.from([Buffer.from('hello')]));
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(VirusScanError);
  });
});
