// The one multipart reader (core/web/read-multipart.ts) over real HTTP requests: fields and files
// in the order they come, each limit a form goes past as a typed refusal, a caller stopping at one
// (the rest of the body read before the answer), the body limit, malformed bodies, a client going
// away mid-upload (the file being streamed ends with an error, so its storage can undo it), the
// form settling only once every file's handler has, and reading on (or stopping) whatever a handler
// left of its file: read part-way through an iterator, left at its cut, or destroyed.
import { expect } from 'chai';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MultipartForm, type MultipartLimits, readMultipart, type ReadMultipartOptions } from '../../src/core/web/read-multipart.ts';

const BOUNDARY = 'testboundary42';

type Part = { name: string; value: string } | { name: string; filename: string; content: Buffer | string; type?: string };

function partHead(part: Part): string {
  if ('filename' in part) {
    return (
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
      `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`
    );
  }
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n`;
}

function multipart(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(partHead(part)));
    chunks.push(Buffer.from('filename' in part ? part.content : part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** What a file handler saw: its bytes, whether its stream ended or failed, and when it settled. */
interface SeenFile {
  name: string;
  filename: string;
  bytes: number;
  truncated: boolean;
  /** The fields read before this file. */
  fieldsBefore: string[];
  outcome: 'ended' | 'failed' | 'pending';
}

interface Reading {
  form?: MultipartForm;
  error?: Error;
  files: SeenFile[];
  /** When the read settled, next to when the request's body was all in. */
  settledAfterBody: boolean;
}

const LIMITS: MultipartLimits = { fileSize: 1024, files: 2, fields: 4, parts: 8, fieldSize: 64 };

/** A server whose one route reads the form with the given options and answers with what it saw. */
async function server(
  options: {
    limits?: Partial<MultipartLimits>;
    onRefusal?: ReadMultipartOptions['onRefusal'];
    /** Runs after the file is read, before its handler settles. */
    afterFile?: (file: SeenFile) => Promise<void>;
    /**
     * How far the handler reads each file: to its end (the default); up to this many bytes, through
     * an async iterator it then leaves (as a storage that refuses a file part-way does); or not at
     * all, destroying the stream.
     */
    reads?: number | 'destroys';
  } = {},
) {
  const readings: Reading[] = [];
  let settledReading: (reading: Reading) => void = () => {};
  const app = express();
  app.post('/form', (req, res) => {
    const reading: Reading = { files: [], settledAfterBody: false };
    readings.push(reading);
    readMultipart(req, {
      limits: { ...LIMITS, ...options.limits },
      ...(options.onRefusal ? { onRefusal: options.onRefusal } : {}),
      async onFile(file, progress) {
        const seen: SeenFile = {
          name: file.name,
          filename: file.filename,
          bytes: 0,
          truncated: false,
          fieldsBefore: progress.fields.map((field) => field.name),
          outcome: 'pending',
        };
        reading.files.push(seen);
        if (options.reads === 'destroys') return void file.stream.destroy();
        if (typeof options.reads === 'number') {
          const iterator = (file.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
          while (seen.bytes < options.reads) {
            const next = await iterator.next();
            if (next.done) break;
            seen.bytes += next.value.length;
          }
          return;
        }
        try {
          for await (const chunk of file.stream) seen.bytes += (chunk as Buffer).length;
          seen.outcome = 'ended';
        } catch (err) {
          seen.outcome = 'failed';
          throw err;
        } finally {
          seen.truncated = file.truncated;
        }
        await options.afterFile?.(seen);
      },
    }).then(
      (form) => {
        reading.form = form;
        reading.settledAfterBody = req.complete;
        settledReading(reading);
        if (!res.destroyed) res.json({ form, files: reading.files });
      },
      (error: Error) => {
        reading.error = error;
        settledReading(reading);
        if (!res.destroyed) res.status(500).json({ error: error.message });
      },
    );
  });
  const listener = http.createServer(app);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  return {
    port,
    readings,
    /** The next read to settle (for requests that never get an answer). */
    nextSettled: () => new Promise<Reading>((resolve) => (settledReading = resolve)),
    // A request still waiting for its answer (a test that timed out) would hold close() for ever.
    close: () =>
      new Promise<void>((resolve) => {
        listener.close(() => resolve());
        listener.closeAllConnections();
      }),
  };
}

/** Posts a body (whole, or in pieces with a pause between them) and reads the JSON answer. */
function post(
  port: number,
  body: Buffer | Buffer[],
  contentType = `multipart/form-data; boundary=${BOUNDARY}`,
): Promise<{ status: number; json: { form?: MultipartForm; files?: SeenFile[]; error?: string } }> {
  const pieces = Array.isArray(body) ? body : [body];
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { port, host: '127.0.0.1', method: 'POST', path: '/form', headers: { 'Content-Type': contentType, 'Content-Length': length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    void (async () => {
      for (const piece of pieces) {
        req.write(piece);
        await sleep(20);
      }
      req.end();
    })();
  });
}

/** A body cut in eight, to be sent with pauses between them. */
const inPieces = (body: Buffer): Buffer[] =>
  Array.from({ length: 8 }, (_, i) => body.subarray((i * body.length) / 8, ((i + 1) * body.length) / 8));

describe('readMultipart: one reader for every multipart form', function () {
  let app: Awaited<ReturnType<typeof server>> | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  it('reads fields and files in their order, names as typed; a file handler sees the fields before it', async () => {
    app = await server();
    const { status, json } = await post(
      app.port,
      multipart([
        { name: '_csrf', value: 'token' },
        { name: 'a%22b', value: 'Grüße' },
        { name: 'attachments', filename: 'Über %22uns%22.pdf', content: 'x'.repeat(300) },
        { name: 'after', value: 'late' },
      ]),
    );
    expect(status).to.equal(200);
    expect(json.form).to.deep.equal({
      status: 'read',
      fields: [
        { name: '_csrf', value: 'token' },
        { name: 'a"b', value: 'Grüße' },
        { name: 'after', value: 'late' },
      ],
      refusals: [],
    });
    expect(json.files).to.deep.equal([
      { name: 'attachments', filename: 'Über "uns".pdf', bytes: 300, truncated: false, fieldsBefore: ['_csrf', 'a"b'], outcome: 'ended' },
    ]);
  });

  it('cuts a file at its limit and says so, and reads on: the fields after it still arrive', async () => {
    app = await server();
    const { json } = await post(
      app.port,
      multipart([
        { name: 'logo', filename: 'big.png', content: Buffer.alloc(5000, 1) },
        { name: 'title', value: 'kept' },
      ]),
    );
    expect(json.form?.status).to.equal('read');
    expect(json.form?.refusals).to.deep.equal([{ kind: 'fileTooLarge', name: 'logo' }]);
    expect(json.form?.fields).to.deep.equal([{ name: 'title', value: 'kept' }]);
    expect(json.files?.[0]).to.include({ bytes: LIMITS.fileSize, truncated: true, outcome: 'ended' });
  });

  it('refuses, each once and typed, too many files, too many fields, a value too long and a part without a name', async () => {
    app = await server({ limits: { parts: 20 } });
    const file = (n: number) => ({ name: 'f', filename: `${n}.txt`, content: 'abc' });
    const { json } = await post(
      app.port,
      multipart([
        file(1),
        file(2),
        file(3),
        file(4),
        { name: 'long', value: 'y'.repeat(100) },
        { name: '', value: 'no name' },
        ...[1, 2, 3, 4].map((n) => ({ name: `x${n}`, value: String(n) })),
      ]),
    );
    expect(json.form?.status).to.equal('read');
    expect(json.form?.refusals).to.deep.equal([
      { kind: 'tooManyFiles' },
      { kind: 'fieldTooLong', name: 'long' },
      { kind: 'unnamedPart' },
      { kind: 'tooManyFields' },
    ]);
    // Two files handed over, the other two dropped unread; four fields kept, the value cut at its limit.
    expect(json.files?.map((seen) => seen.filename)).to.deep.equal(['1.txt', '2.txt']);
    expect(json.form?.fields.map((field) => field.name)).to.deep.equal(['long', '', 'x1', 'x2']);
    expect(json.form?.fields[0]?.value).to.have.length(LIMITS.fieldSize);
  });

  it('refuses too many parts', async () => {
    app = await server({ limits: { parts: 2, fields: 10 } });
    const { json } = await post(app.port, multipart([1, 2, 3].map((n) => ({ name: `x${n}`, value: String(n) }))));
    expect(json.form?.refusals).to.deep.equal([{ kind: 'tooManyParts' }]);
    expect(json.form?.fields.map((field) => field.name)).to.deep.equal(['x1', 'x2']);
  });

  it('stops where a caller stops it: the file being read fails, nothing later is handed over, and the rest of the body is read before it settles', async () => {
    app = await server({ onRefusal: (_refusal, form) => form.stop() });
    const big = multipart([
      { name: 'f', filename: 'big.bin', content: Buffer.alloc(256 * 1024, 7) },
      { name: 'after', value: 'never' },
      { name: 'g', filename: 'second.bin', content: 'abc' },
    ]);
    // Sent in pieces, so the stop comes well before the body's end.
    const pieces = Array.from({ length: 8 }, (_, i) => big.subarray((i * big.length) / 8, ((i + 1) * big.length) / 8));
    const { status, json } = await post(app.port, pieces);
    expect(status, 'an answer, not a connection cut mid-upload').to.equal(200);
    expect(json.form).to.deep.equal({ status: 'stopped', fields: [], refusals: [{ kind: 'fileTooLarge', name: 'f' }] });
    expect(json.files).to.have.length(1);
    expect(json.files?.[0]?.outcome).to.equal('failed');
    expect(app.readings[0]?.settledAfterBody, 'settled once the whole body was in').to.equal(true);
  });

  it('stops at the body limit, whatever the form would still send', async () => {
    app = await server({ limits: { bodyBytes: 2000, fileSize: 1024 * 1024 } });
    const body = multipart([{ name: 'f', filename: 'a.bin', content: Buffer.alloc(50 * 1024, 1) }]);
    // The file has begun when the body passes the limit.
    const { json } = await post(app.port, [body.subarray(0, 1000), body.subarray(1000)]);
    expect(json.form?.status).to.equal('stopped');
    expect(json.form?.refusals).to.deep.equal([{ kind: 'bodyTooLarge' }]);
    expect(json.files?.[0]?.outcome).to.equal('failed');
  });

  it('reads on past what a handler left of its file, even through an async iterator it no longer reads', async function () {
    // Without the bound the test would wait as long as the client: busboy ends the form only once
    // every file's stream has ended, and a stream an iterator left ignores resume().
    this.timeout(10_000);
    app = await server({ reads: 1024, limits: { fileSize: 4 * 1024 * 1024 } });
    const body = multipart([
      { name: 'f', filename: 'big.bin', content: Buffer.alloc(1024 * 1024, 7) },
      { name: 'after', value: 'kept' },
    ]);
    // In pieces: the file's end comes well after the handler stopped reading it.
    const { status, json } = await post(app.port, inPieces(body));
    expect(status).to.equal(200);
    expect(json.form).to.deep.equal({ status: 'read', fields: [{ name: 'after', value: 'kept' }], refusals: [] });
    expect(json.files?.[0]?.bytes).to.be.lessThan(1024 * 1024);
  });

  it('reads on past a file cut at its limit that the handler left at the cut, the rest of its part still coming', async function () {
    this.timeout(10_000);
    app = await server({ reads: LIMITS.fileSize });
    const body = multipart([
      { name: 'f', filename: 'big.pdf', content: Buffer.alloc(1024 * 1024, 7) },
      { name: 'after', value: 'kept' },
    ]);
    const { status, json } = await post(app.port, inPieces(body));
    expect(status).to.equal(200);
    expect(json.form).to.deep.equal({
      status: 'read',
      fields: [{ name: 'after', value: 'kept' }],
      refusals: [{ kind: 'fileTooLarge', name: 'f' }],
    });
  });

  it('stops, the rest of the body read, when a handler destroys its file before the file is in', async function () {
    this.timeout(10_000);
    app = await server({ reads: 'destroys', limits: { fileSize: 4 * 1024 * 1024 } });
    const body = multipart([
      { name: 'f', filename: 'big.bin', content: Buffer.alloc(1024 * 1024, 7) },
      { name: 'after', value: 'never' },
    ]);
    const { status, json } = await post(app.port, inPieces(body));
    expect(status, 'an answer, not a connection cut mid-upload').to.equal(200);
    expect(json.form?.status).to.equal('stopped');
    expect(app.readings[0]?.settledAfterBody, 'settled once the whole body was in').to.equal(true);
  });

  it('says a body is malformed: no boundary, a broken part header, a body cut short inside a file', async () => {
    app = await server();
    const noBoundary = await post(app.port, Buffer.from('whatever'), 'multipart/form-data');
    expect(noBoundary.json.form?.status).to.equal('malformed');

    const brokenHeader = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\nno colon here\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`,
    );
    expect((await post(app.port, brokenHeader)).json.form?.status).to.equal('malformed');

    const cutShort = Buffer.from(`${partHead({ name: 'f', filename: 'a.bin', content: '' })}only part of the file`);
    const { json } = await post(app.port, cutShort);
    expect(json.form?.status).to.equal('malformed');
    expect(json.files?.[0]?.outcome, 'the file being streamed failed, so its storage can undo it').to.equal('failed');
  });

  it('ends the file being read with an error when the client goes away mid-upload, and settles after its handler', async () => {
    app = await server({
      afterFile: async () => {
        await sleep(10);
      },
    });
    const settled = app.nextSettled();
    const head = Buffer.from(partHead({ name: 'f', filename: 'a.bin', content: '' }));
    const req = http.request({
      port: app.port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/form',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': 1024 * 1024 },
    });
    req.on('error', () => {});
    req.write(Buffer.concat([head, Buffer.alloc(4096, 3)]));
    await sleep(100);
    req.destroy();
    const reading = await settled;
    expect(reading.form?.status).to.equal('aborted');
    expect(reading.files).to.have.length(1);
    expect(reading.files[0]?.outcome).to.equal('failed');
  });

  it("waits for every file's handler, and fails with a handler's own failure", async () => {
    const order: string[] = [];
    app = await server({
      limits: { files: 3 },
      afterFile: async (seen) => {
        await sleep(seen.filename === 'slow.txt' ? 150 : 1);
        order.push(seen.filename);
        if (seen.filename === 'bad.txt') throw new Error('storage is down');
      },
    });
    const ok = await post(
      app.port,
      multipart([
        { name: 'f', filename: 'slow.txt', content: 'a' },
        { name: 'f', filename: 'fast.txt', content: 'b' },
      ]),
    );
    expect(ok.json.form?.status).to.equal('read');
    expect(order, 'the slow handler had settled before the form did').to.deep.equal(['fast.txt', 'slow.txt']);

    const failed = await post(app.port, multipart([{ name: 'f', filename: 'bad.txt', content: 'c' }]));
    expect(failed.status).to.equal(500);
    expect(failed.json.error).to.equal('storage is down');
  });
});
