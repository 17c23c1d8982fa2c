// Upload and download throughput of the portal against a plain fs copy of the same file.
//   npx tsx bench/file-throughput.ts [--mb 25] [--store database|directory]
// Boots the reference CRM with the portal (embedded PostgreSQL unless DATABASE_URL is set), signs
// a demo client in, and times: a fs.copyFile of the file; a streamed upload through the portal's
// form (multipart over HTTP, sniffed, stored in chunks); the download of that upload; and the
// download of a shared document of the same size kept by the CRM as bytea. Prints MB/s for each.
import { parseArgs } from 'node:util';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '25' }, store: { type: 'string', default: 'database' } } });
const MB = 1024 * 1024;
const sizeMb = Number(values.mb);
const store = values.store;
const dir = mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
const flags = path.join(dir, 'flags.json');
writeFileSync(
  flags,
  JSON.stringify({
    features: [
      {
        name: 'customer_portal_enabled',
        enabled: true,
        strategies: [{ name: 'default', constraints: [{ contextName: 'workspaceSlug', operator: 'IN', values: ['demo'] }] }],
      },
    ],
  }),
);

// A PDF header, then incompressible bytes: what a scanned document looks like to the pipes.
const file = path.join(dir, 'scan.pdf');
writeFileSync(file, Buffer.concat([Buffer.from('%PDF-1.4\n%'), randomBytes(sizeMb * MB - 10)]));

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const rate = (s: number) => `${(sizeMb / s).toFixed(1)} MB/s (${s.toFixed(2)} s)`;

const crm = await bootReferenceCrm({
  databaseUrl: process.env.DATABASE_URL,
  port: 0,
  sessionSecret: 'bench-secret-'.padEnd(48, 'x'),
  flagsFile: flags,
  quiet: true,
  ...(store === 'directory' ? { fileStorageDir: path.join(dir, 'files') } : {}),
});
try {
  const workspace = await crm.db('workspaces').where({ slug: 'demo' }).first('id');
  await crm
    .db('workspace_client_portal_settings')
    .insert({ workspace_id: String(workspace.id), allow_file_uploads: true, max_upload_mb: sizeMb + 1 })
    .onConflict('workspace_id')
    .merge();
  // Settings are cached per workspace; a write behind the portal's back must say so.
  await crm.portal.workspaceChanged(String(workspace.id));
  const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  const request = (
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Buffer | (() => Promise<void>),
    sink?: (chunk: Buffer) => void,
  ) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = http.request(`${crm.url}${url}`, { method, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => (sink ? sink(chunk) : parts.push(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString() }));
      });
      req.on('error', reject);
      if (Buffer.isBuffer(body)) req.end(body);
      else req.end();
    });

  // Sign in with the password form, keeping every cookie the portal sets (session and CSRF).
  const jar = new Map<string, string>();
  let cookie = '';
  const keep = (headers: http.IncomingHttpHeaders) => {
    for (const set of headers['set-cookie'] ?? []) {
      const pair = set.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair);
    }
    cookie = [...jar.values()].join('; ');
  };
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  let page = await request('GET', '/portal/demo/sign-in', {});
  keep(page.headers);
  const signIn = await request(
    'POST',
    '/portal/demo/sign-in/password',
    { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    Buffer.from(new URLSearchParams({ _csrf: csrfOf(page.text), email: login.email, password: login.password }).toString()),
  );
  keep(signIn.headers);
  page = await request('GET', '/portal/demo/documents', { Cookie: cookie });
  if (page.status !== 200)
    throw new Error(
      `the documents page answered ${page.status} ${page.headers.location ?? ''} (sign-in answered ${signIn.status} ${signIn.headers.location ?? ''})`,
    );

  let start = process.hrtime.bigint();
  copyFileSync(file, path.join(dir, 'copy.pdf'));
  const fsCopy = seconds(start);

  // The upload streams the file from disk into the request body.
  const boundary = '----bench';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrfOf(page.text)}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const { createReadStream, statSync } = await import('node:fs');
  start = process.hrtime.bigint();
  const uploaded = await new Promise<number>((resolve, reject) => {
    const req = http.request(
      `${crm.url}/portal/demo/documents/uploads`,
      {
        method: 'POST',
        headers: {
          Cookie: cookie,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + statSync(file).size + tail.length),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.write(head);
    const stream = createReadStream(file);
    stream.pipe(req, { end: false });
    stream.on('end', () => req.end(tail));
  });
  const upload = seconds(start);
  if (uploaded !== 303) throw new Error(`upload answered ${uploaded}`);

  const row = await crm.db('client_uploads').orderBy('created_at', 'desc').first('id');
  let bytes = 0;
  start = process.hrtime.bigint();
  await request(
    'GET',
    `/portal/demo/documents/uploads/${row.id}/download`,
    { Cookie: cookie },
    undefined,
    (chunk) => (bytes += chunk.length),
  );
  const download = seconds(start);
  if (bytes !== sizeMb * MB) throw new Error(`downloaded ${bytes} bytes`);

  const client = await crm.db('clients').where({ workspace_id: workspace.id, name: 'Northwind Traders' }).first('id');
  const [doc] = await crm
    .db('documents')
    .insert({
      workspace_id: workspace.id,
      client_id: client.id,
      filename: 'bench.pdf',
      content_type: 'application/pdf',
      size_bytes: sizeMb * MB,
      content: crm.db.raw("decode(repeat(md5('bench'), ?), 'hex')", [(sizeMb * MB) / 16]),
      shared_with_client: true,
    })
    .returning('id');
  bytes = 0;
  start = process.hrtime.bigint();
  await request(
    'GET',
    `/portal/demo/documents/shared/${doc.id}/download`,
    { Cookie: cookie },
    undefined,
    (chunk) => (bytes += chunk.length),
  );
  const shared = seconds(start);

  console.log(`${sizeMb} MB, portal storage: ${store}, database: ${crm.databaseMode}`);
  console.log(`  fs.copyFile                 ${rate(fsCopy)}`);
  console.log(`  upload (multipart, stored)  ${rate(upload)}`);
  console.log(`  download of that upload     ${rate(download)}`);
  console.log(`  download of a CRM document  ${rate(shared)}`);
} finally {
  await crm.close();
  rmSync(dir, { recursive: true, force: true });
}
