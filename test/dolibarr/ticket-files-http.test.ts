// Covers a client's ticket files over HTTP beside a real Dolibarr whose data root the portal may
// write: a file sent with a new ticket and one sent with a reply land in Dolibarr's ticket directory
// (ticket/<ref>/ under the data root, indexed in llx_ecm_files, the reply's linked to its event),
// the portal keeps no copy (no portal_ticket_attachments row, nothing left in its storage), the
// ticket's page lists them from Dolibarr and downloads them, and the ticket and the reply carry
// the client's address in Dolibarr's ip columns. A 6 MB PDF lands there too; an 18 MB one, over the
// attachments' cap, is answered with the form and the limit, neither Dolibarr nor the portal
// keeping anything.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import { postFileSlowly } from '../support/slow-upload.ts';
import { pdfOfSize } from '../support/upload-fixtures.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import {
  insertClaireLogin,
  insertTicketInstallRows,
  servePortalBeside,
  startDolibarrHost,
  ticketModuleUnavailable,
  type DolibarrHost,
} from './dolibarr-host.ts';

type Row = Record<string, unknown>;
const reason = ticketModuleUnavailable();
const PASSWORD = 'Claire-portal-2026';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

describe("dolibarr host: a client's ticket files go into Dolibarr's documents", function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;

  before(async function () {
    // Skipped where no real Dolibarr database with its Ticket module can be made: the schemas are
    // loaded with psql into a PostgreSQL server (DATABASE_URL), which the embedded engine is not.
    // CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true, portalTables: true });
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    const adapter = createDolibarrAdapter(db, {
      workspaceSlug: seed.workspaceSlug,
      dataRoot: host.dataRoot,
      actingUserId: seed.users.admin,
      tickets: true,
    });
    running = await servePortalBeside(host, adapter);
    base = `/portal/${seed.workspaceSlug}`;
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', show_tickets: true, allow_file_uploads: true })
      .onConflict('workspace_id')
      .merge();
    claire = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('opens a ticket and answers it with files that Dolibarr keeps, listed and downloaded from there', async function () {
    const { db } = host;
    const filesBefore = Number((await db('portal_files').count<Array<{ n: string }>>('* as n'))[0]!.n);
    const form = (await claire.get(`${base}/tickets/new`).expect(200)).text;
    const created = await claire
      .post(`${base}/tickets`)
      .field('_csrf', csrfFrom(form))
      .field('subject', 'Printer is down')
      .field('description', 'It shows error 42.')
      .attach('attachments', PDF, { filename: 'error.pdf', contentType: 'application/pdf' })
      .expect(303);
    const url = created.headers.location as string;
    const ticketId = Number(url.split('/').pop());
    const ticket = await db('llx_ticket').where({ rowid: ticketId }).first<Row>();
    const dir = path.join(host.dataRoot, 'ticket', String(ticket!.ref));
    expect(readFileSync(path.join(dir, 'error.pdf'))).to.deep.equal(PDF);
    // The request's address, as create_ticket.php's getUserRemoteIP().
    expect(ticket!.ip).to.match(/127\.0\.0\.1$/);

    const page = (await claire.get(url).expect(200)).text;
    const reply = await claire
      .post(`${url}/replies`)
      .field('_csrf', csrfFrom(page))
      .field('body', 'The log, too.')
      .attach('attachments', Buffer.from('line 1\n'), { filename: 'printer.txt', contentType: 'text/plain' })
      .expect(303);
    const messageId = Number(/#message-(\d+)$/.exec(reply.headers.location as string)![1]);
    expect(readFileSync(path.join(dir, 'printer.txt'), 'utf8')).to.equal('line 1\n');
    const rows = await db('llx_ecm_files').where({ src_object_type: 'ticket', src_object_id: ticketId }).orderBy('rowid').select<Row[]>();
    expect(rows.map((row) => [row.filename, row.agenda_id])).to.deep.equal([
      ['error.pdf', null],
      ['printer.txt', messageId],
    ]);
    expect(await db('llx_actioncomm').where({ id: messageId }).first('ip')).to.satisfy((row: Row) => /127\.0\.0\.1$/.test(String(row.ip)));

    // The portal keeps no copy: no attachment of its own, nothing left in its storage.
    expect(await db('portal_ticket_attachments').select()).to.deep.equal([]);
    expect(Number((await db('portal_files').count<Array<{ n: string }>>('* as n'))[0]!.n)).to.equal(filesBefore);

    // Listed from Dolibarr's documents, and downloaded from there.
    const shown = (await claire.get(url).expect(200)).text;
    expect(shown).to.include('error.pdf').and.include('printer.txt');
    const links = [...shown.matchAll(/href="([^"]+\/files\/\d+)"/g)].map((m) => m[1]!);
    expect(links).to.have.length(2);
    const downloaded = await claire.get(links[0]!).buffer(true).expect(200);
    expect(downloaded.headers['content-disposition']).to.contain('error.pdf');
    expect(Buffer.from(downloaded.body as Buffer)).to.deep.equal(PDF);
  });

  it("keeps each file under the name Dolibarr's own ticket page keeps it, a 240-character non-Latin one too", async function () {
    const { db } = host;
    const longLatin = `Quarterly report ${'x'.repeat(219)}.pdf`;
    const longCjk = `${'報告書'.repeat(78)}.pdf`;
    const form = (await claire.get(`${base}/tickets/new`).expect(200)).text;
    const created = await claire
      .post(`${base}/tickets`)
      .field('_csrf', csrfFrom(form))
      .field('subject', 'Minutes of the meeting')
      .field('description', 'Five files.')
      .attach('attachments', PDF, { filename: 'Réunion été.PDF', contentType: 'application/pdf' })
      .attach('attachments', PDF, { filename: 'Invoice -draft.pdf', contentType: 'application/pdf' })
      .attach('attachments', PDF, { filename: longLatin, contentType: 'application/pdf' })
      .attach('attachments', PDF, { filename: longCjk, contentType: 'application/pdf' })
      .attach('attachments', PDF, { filename: 'Quote "final".pdf', contentType: 'application/pdf' })
      .expect(303);
    const ticketId = Number((created.headers.location as string).split('/').pop());
    const rows = await db('llx_ecm_files').where({ src_object_type: 'ticket', src_object_id: ticketId }).orderBy('rowid').select<Row[]>();
    // As public/ticket/create_ticket.php keeps them (the long one whole: 240 bytes); the non-Latin one
    // is cut to 255 bytes, where Dolibarr's page answers "File was not uploaded".
    expect(Object.fromEntries(rows.map((row) => [row.fullpath_orig, row.filename]))).to.deep.equal({
      'Réunion été.pdf': 'Reunion ete.pdf',
      'Invoice -draft.pdf': 'Invoice _draft.pdf',
      [longLatin]: longLatin,
      [longCjk]: `${'報告書'.repeat(27)}報告.pdf`,
      // The browser sends the quotes as %22, which PHP does not decode.
      'Quote "final".pdf': 'Quote %22final%22.pdf',
    });
    const ticket = await db('llx_ticket').where({ rowid: ticketId }).first<Row>();
    for (const row of rows)
      expect(readFileSync(path.join(host.dataRoot, 'ticket', String(ticket!.ref), String(row.filename)))).to.deep.equal(PDF);
  });

  it("answers 400, never 500, for a file Dolibarr's upload settings refuse, and keeps nothing of the ticket", async function () {
    const { db } = host;
    // Setup > Security > Files upload: the agency refuses PDFs too.
    await db('llx_const').insert({
      name: 'MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION',
      entity: 1,
      value: 'exe,pdf',
      type: 'chaine',
      visible: 0,
    });
    try {
      const tickets = Number((await db('llx_ticket').count<Array<{ n: string }>>('* as n'))[0]!.n);
      const files = Number((await db('portal_files').count<Array<{ n: string }>>('* as n'))[0]!.n);
      const form = (await claire.get(`${base}/tickets/new`).expect(200)).text;
      const refused = await claire
        .post(`${base}/tickets`)
        .field('_csrf', csrfFrom(form))
        .field('subject', 'A refused file')
        .field('description', 'One PDF.')
        .attach('attachments', PDF, { filename: 'report.pdf', contentType: 'application/pdf' })
        .expect(400);
      expect(refused.text).to.contain('cannot be kept').and.not.contain(host.dataRoot);
      // In the reader's language.
      const german = await claire
        .post(`${base}/tickets`)
        .set('Accept-Language', 'de')
        .field('_csrf', csrfFrom(form))
        .field('subject', 'A refused file')
        .field('description', 'One PDF.')
        .attach('attachments', PDF, { filename: 'report.pdf', contentType: 'application/pdf' })
        .expect(400);
      expect(german.text).to.contain('Dateien dieses Typs können nicht aufbewahrt werden');
      expect(Number((await db('llx_ticket').count<Array<{ n: string }>>('* as n'))[0]!.n)).to.equal(tickets);
      expect(Number((await db('portal_files').count<Array<{ n: string }>>('* as n'))[0]!.n)).to.equal(files);
    } finally {
      await db('llx_const').where({ name: 'MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION' }).del();
    }
  });

  it('keeps a 6 MB PDF in Dolibarr, and answers an 18 MB one with the limit, Dolibarr and the portal keeping nothing', async function () {
    // The bound each upload is answered within (an 18 MB one once waited as long as the client).
    this.timeout(40_000);
    const { db } = host;
    const open = async (subject: string, content: Buffer) => {
      const form = (await claire.get(`${base}/tickets/new`).expect(200)).text;
      const fields = { _csrf: csrfFrom(form), subject, description: 'The scan.' };
      return postFileSlowly(claire, `${running.url}${base}/tickets`, fields, { filename: 'scan.pdf', content });
    };
    const six = pdfOfSize(6 * 1024 * 1024);
    const kept = await open('Six megabytes', six);
    expect(kept.status).to.equal(303);
    const ticket = await db('llx_ticket')
      .where({ rowid: Number(kept.location.split('/').pop()) })
      .first<Row>();
    expect(readFileSync(path.join(host.dataRoot, 'ticket', String(ticket!.ref), 'scan.pdf')).equals(six)).to.equal(true);

    const filesBefore = Number((await db('portal_files').count<Array<{ n: string }>>('* as n'))[0]!.n);
    const refused = await open('Eighteen megabytes', pdfOfSize(18 * 1024 * 1024));
    expect(refused.status).to.equal(400);
    expect(refused.text).to.contain('Each file can be at most 10 MB.').and.not.contain('{{');
    expect(await db('llx_ticket').where({ subject: 'Eighteen megabytes' }).select()).to.deep.equal([]);
    expect(Number((await db('portal_files').count<Array<{ n: string }>>('* as n'))[0]!.n)).to.equal(filesBefore);
  });
});
