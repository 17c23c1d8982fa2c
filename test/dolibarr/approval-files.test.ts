// Covers, on Dolibarr's real schema, the files and decision events of approvals the portal keeps
// (HostApprovalFilesPort): a version's file kept as a document of the client's third party the way
// societe/document.php's upload keeps one (the file under <data root>/societe/<socid>/, named
// "<title> v<n> - <name>" as dol_add_file_process cleans a name, its llx_ecm_files row as
// addFileIntoDatabaseIndex writes it, the staff member as its creator), a taken name stamped, and
// read back byte for byte; another company, another workspace or a file of the company that is not
// its document finds nothing; a rolled-back transaction leaves no row and no file; a decision is
// an agenda event on the company and the contact, in the workspace's language, only where the
// agenda module is on; and the port exists only with a data root the portal may write.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { expect } from 'chai';
import { approvalFileName } from '../../plugins/dolibarr/approval-files.ts';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { RefusedFileName, uploadedFileName } from '../../plugins/dolibarr/upload-names.ts';
import type { ApprovalVersionUpload, HostApprovalFilesPort } from '../../src/features/approvals/port.ts';
import { type DolibarrHost, insertTicketInstallRows, startDolibarrHost, unavailable } from './dolibarr-host.ts';

const reason = unavailable();

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('dolibarr binding: the files and decision events of approvals the portal keeps', function () {
  this.timeout(60_000);
  let host: DolibarrHost;
  let port: HostApprovalFilesPort;
  let workspace: string;
  let bakery: number;
  let admin: number;

  const version = (content: Buffer, fields: Partial<ApprovalVersionUpload> = {}): ApprovalVersionUpload => ({
    title: 'Homepage design',
    version: 2,
    fileName: 'Mockup.PDF',
    contentType: 'application/pdf',
    content,
    sharedBy: String(admin),
    ...fields,
  });
  const keep = (upload: ApprovalVersionUpload, clientId = String(bakery), workspaceId = workspace) =>
    host.db.transaction((trx) => port.keep(workspaceId, clientId, upload, { trx }));

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    await insertTicketInstallRows(host.db);
    workspace = String(host.seed.entity);
    bakery = host.seed.companies.bakery;
    admin = host.seed.users.admin;
    const adapter = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, dataRoot: host.dataRoot });
    port = adapter.approvalFiles as HostApprovalFilesPort;
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  describe('names', function () {
    it('cleans a name as dol_add_file_process does', function () {
      expect(uploadedFileName('Logo: été / hiver.PNG')).to.equal('Logo_ ete _ hiver.png');
      expect(uploadedFileName('a --b  -c\nd.Pdf')).to.equal('a _b _c d.pdf');
      expect(uploadedFileName('a..hidden')).to.equal('ahidden');
      // Dolibarr refuses a name that starts with a dot (ErrorFilenameCantStartWithDot); a title that does opens no such name.
      expect(() => uploadedFileName('..hidden')).to.throw(RefusedFileName);
      expect(approvalFileName('.Homepage', 1, 'a.pdf')).to.equal('Homepage v1 - a.pdf');
      expect(approvalFileName('Homepage design', 2, 'Mockup.PDF')).to.equal('Homepage design v2 - Mockup.pdf');
      const long = approvalFileName('T'.repeat(300), 12, `${'n'.repeat(300)}.pdf`);
      expect(Buffer.byteLength(long)).to.be.at.most(255);
      expect(long).to.match(/^T{100} v12 - n+\.pdf$/);
    });
  });

  describe('keep and open', function () {
    it('keeps a version as a document of the third party, as its Documents tab’s upload does', async function () {
      const content = Buffer.from('%PDF-1.4 the homepage, second round');
      const before = await host
        .db('llx_ecm_files')
        .where({ filepath: `societe/${bakery}` })
        .max<{ max: number }[]>('position as max');
      const ref = await keep(version(content));
      expect(ref).to.match(/^\d+$/);
      const row = await host
        .db('llx_ecm_files')
        .where({ rowid: Number(ref) })
        .first();
      expect(row).to.include({
        entity: 1,
        filepath: `societe/${bakery}`,
        filename: 'Homepage design v2 - Mockup.pdf',
        fullpath_orig: 'Mockup.PDF',
        src_object_type: 'societe',
        src_object_id: bakery,
        fk_user_c: admin,
        fk_user_m: null,
        gen_or_uploaded: 'uploaded',
        share: null,
        description: '',
        keywords: '',
        agenda_id: null,
        position: Number(before[0]!.max) + 1,
      });
      // ref: dol_hash(filepath/filename, 3), md5; label: md5 of the content (md5_file).
      const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');
      expect(row.ref).to.equal(md5(`societe/${bakery}/Homepage design v2 - Mockup.pdf`));
      expect(row.label).to.equal(md5(content));
      expect(row.date_c).to.be.an.instanceOf(Date);
      const onDisk = path.join(host.dataRoot, 'societe', String(bakery), 'Homepage design v2 - Mockup.pdf');
      expect(readFileSync(onDisk).equals(content)).to.equal(true);
      // No temporary file is left beside it.
      expect(readdirSync(path.dirname(onDisk)).filter((name) => name.startsWith('.portal-'))).to.deep.equal([]);

      const opened = await port.open(workspace, String(bakery), ref!);
      expect(opened).to.include({ name: 'Homepage design v2 - Mockup.pdf', contentType: 'application/pdf', sizeBytes: content.length });
      expect((await readAll(opened!.content)).equals(content)).to.equal(true);
    });

    it('keeps a second file of the same name beside the first, under Dolibarr’s stamped name', async function () {
      const first = Buffer.from('%PDF-1.4 one');
      const second = Buffer.from('%PDF-1.4 two');
      const upload = { title: 'Flyer', version: 1, fileName: 'flyer.pdf' };
      const a = await keep(version(first, upload));
      const b = await keep(version(second, upload));
      const names = await host
        .db('llx_ecm_files')
        .whereIn('rowid', [Number(a), Number(b)])
        .orderBy('rowid')
        .pluck('filename');
      expect(names[0]).to.equal('Flyer v1 - flyer.pdf');
      expect(names[1]).to.match(/^Flyer v1 - flyer - \d{14}\.pdf$/);
      expect((await readAll((await port.open(workspace, String(bakery), a!))!.content)).equals(first)).to.equal(true);
      expect((await readAll((await port.open(workspace, String(bakery), b!))!.content)).equals(second)).to.equal(true);
    });

    it('finds nothing for another company, another workspace, or a document the portal did not keep', async function () {
      const ref = await keep(version(Buffer.from('%PDF-1.4 for the bakery only'), { title: 'Menu' }));
      expect(await port.open(workspace, String(host.seed.companies.garage), ref!)).to.equal(null);
      expect(await port.open('2', String(bakery), ref!)).to.equal(null);
      expect(await port.open(workspace, String(bakery), 'not-a-ref')).to.equal(null);
      // A document of another record (a proposal's, an invoice's) is not one of the third party's.
      const [proposalFile] = await host.db('llx_ecm_files').whereNot({ src_object_type: 'societe' }).pluck('rowid');
      expect(proposalFile).to.be.a('number');
      expect(await port.open(workspace, String(bakery), String(proposalFile))).to.equal(null);
      // A supplier or a closed third party is not a client: nothing is kept for it.
      expect(await keep(version(Buffer.from('x')), String(host.seed.companies.supplier))).to.equal(null);
      expect(await keep(version(Buffer.from('x')), String(bakery), '2')).to.equal(null);
    });

    it('leaves no row and no file when the transaction rolls back', async function () {
      const count = async () => Number((await host.db('llx_ecm_files').count<{ count: string }[]>())[0]!.count);
      const rows = await count();
      const dir = path.join(host.dataRoot, 'societe', String(bakery));
      const files = readdirSync(dir).sort();
      let kept: string | null = null;
      await host.db
        .transaction(async (trx) => {
          kept = await port.keep(workspace, String(bakery), version(Buffer.from('%PDF-1.4 undone'), { title: 'Undone' }), { trx });
          throw new Error('the portal’s own write failed');
        })
        .catch(() => {});
      expect(kept).to.match(/^\d+$/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await count()).to.equal(rows);
      expect(readdirSync(dir).sort()).to.deep.equal(files);
      expect(existsSync(path.join(dir, 'Undone v2 - Mockup.pdf'))).to.equal(false);
    });
  });

  describe('recordDecision', function () {
    const decision = (fields: Partial<Parameters<HostApprovalFilesPort['recordDecision']>[2]> = {}) => ({
      approvalId: '7',
      title: 'Homepage design',
      version: 2,
      outcome: 'changes_requested' as const,
      comment: 'The logo should be larger.',
      point: { x: 0.42, y: 0.1, page: 2 },
      contactId: String(host.seed.contacts.claire),
      decidedBy: 'Claire Martin',
      fileSha256: 'a'.repeat(64),
      decidedAt: new Date('2026-11-27T10:15:00Z'),
      fileRef: '1',
      sharedBy: String(admin),
      ...fields,
    });
    const record = (fields: Partial<Parameters<HostApprovalFilesPort['recordDecision']>[2]> = {}) =>
      host.db.transaction((trx) => port.recordDecision(workspace, String(bakery), decision(fields), { trx, ip: '203.0.113.7' }));
    const events = () => host.db('llx_actioncomm').whereIn('code', ['AC_PORTAL_APPROVED', 'AC_PORTAL_CHANGES_REQUESTED']).orderBy('id');

    it('writes no event while the agenda module is off', async function () {
      await record();
      expect(await events()).to.deep.equal([]);
    });

    it('writes the event on the company and the contact where the agenda module is on', async function () {
      await host.db('llx_const').insert({ name: 'MAIN_MODULE_AGENDA', entity: 1, value: '1', type: 'chaine', visible: 0 });
      await record();
      const [event] = await events();
      expect(event).to.include({
        ref: String(event.id),
        entity: 1,
        code: 'AC_PORTAL_CHANGES_REQUESTED',
        fk_action: 40,
        fk_soc: bakery,
        fk_contact: host.seed.contacts.claire,
        fk_user_author: null,
        fk_user_action: admin,
        fk_element: null,
        elementtype: null,
        fk_project: null,
        percent: -1,
        durationp: 0,
        label: 'Changes requested: Homepage design, version 2',
        note: `The logo should be larger.\n\nPoint: 42 % across, 10 % down, page 2\n\nSHA-256 of version 2 as decided: ${'a'.repeat(64)}`,
        ip: '203.0.113.7',
      });
      const { rows } = await host.db.raw<{ rows: { at: Date }[] }>('select datep::timestamptz as at from llx_actioncomm where id = ?', [
        event.id,
      ]);
      expect(rows[0]!.at.toISOString()).to.equal('2026-11-27T10:15:00.000Z');
      const resources = await host.db('llx_actioncomm_resources').where({ fk_actioncomm: event.id }).orderBy('element_type');
      expect(resources.map((r) => `${r.element_type}:${r.fk_element}`)).to.deep.equal([
        `socpeople:${host.seed.contacts.claire}`,
        `user:${admin}`,
      ]);
    });

    it('writes it in German where Dolibarr is set up in German, and names no contact of another company', async function () {
      await host.db('llx_const').insert({ name: 'MAIN_LANG_DEFAULT', entity: 1, value: 'de_DE', type: 'chaine', visible: 0 });
      await record({ outcome: 'approved', comment: '', point: null, contactId: String(host.seed.contacts.paul) });
      const event = (await events()).pop();
      expect(event).to.include({
        code: 'AC_PORTAL_APPROVED',
        label: 'Freigegeben: Homepage design, Version 2',
        note: `SHA-256 der entschiedenen Version 2: ${'a'.repeat(64)}`,
        fk_contact: null,
      });
    });

    it('writes nothing for another company’s workspace, and nothing that outlives a rollback', async function () {
      const count = async () => (await events()).length;
      const before = await count();
      await host.db.transaction((trx) => port.recordDecision('2', String(bakery), decision(), { trx }));
      await host.db
        .transaction(async (trx) => {
          await port.recordDecision(workspace, String(bakery), decision(), { trx });
          throw new Error('the portal’s evidence failed');
        })
        .catch(() => {});
      expect(await count()).to.equal(before);
    });
  });

  it('leaves the port out without a data root, and claims what it writes with one', function () {
    const without = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug });
    expect(without.approvalFiles).to.equal(undefined);
    const withRoot = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, dataRoot: host.dataRoot });
    expect(withRoot.claims.some((claim) => claim.table === 'llx_actioncomm_resources')).to.equal(true);
  });
});
