// Covers the one name every Dolibarr write of a file keeps (upload-names.ts), on Dolibarr's real
// schema: names map to exactly what Dolibarr 23 stored for the same upload from its own public
// ticket page (dol_add_file_process, then copyFilesForTicket; checked beside a running Dolibarr),
// where Dolibarr keeps one; a name past 255 bytes, which Dolibarr's move cannot keep, is cut to fit
// instead of failing, and so is the stamp of a taken name; the writer itself refuses a name that
// starts with a dot, refuses the extensions the agency's upload restriction lists (by default every
// one a web server might run) and appends '.noexe' to one it lets through, as dol_move_uploaded_file
// does, with a 400 whose message names no path; and the three writers (a ticket's files, a
// request's files on its draft proposal, an approval's version) keep the same name for the same
// upload.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { writeRecordFiles, writeTicketFiles } from '../../plugins/dolibarr/ticket-uploads.ts';
import { RefusedFileName, uploadedFileName } from '../../plugins/dolibarr/upload-names.ts';
import { sentFilename } from '../../src/core/files/file-types.ts';
import type { HostApprovalFilesPort } from '../../src/features/approvals/port.ts';
import type { TicketUpload } from '../../src/features/tickets/port.ts';
import { type DolibarrHost, insertTicketInstallRows, startDolibarrHost, unavailable } from './dolibarr-host.ts';

const reason = unavailable();
const PDF = { mime: 'application/pdf', ext: 'pdf' };

/** 240 characters, 712 bytes of UTF-8. */
const LONG_CJK = `${'報告書'.repeat(78)}.pdf`;
/** 240 characters of ASCII. */
const LONG_LATIN = `Quarterly report ${'x'.repeat(219)}.pdf`;

/**
 * Sent → what Dolibarr 23 kept (llx_ecm_files.filename and the file under ticket/<ref>/) for the
 * same upload from public/ticket/create_ticket.php (addfile, then save), 29 November 2026.
 */
const KEPT_BY_DOLIBARR: Array<[string, string]> = [
  ['Réunion été.PDF', 'Reunion ete.pdf'],
  ['Invoice -draft.pdf', 'Invoice _draft.pdf'],
  [LONG_LATIN, LONG_LATIN],
  ['a --b  -c.Pdf', 'a _b _c.pdf'],
  ['naïve café.txt', 'naive cafe.txt'],
  ['Ærø ß.txt', 'Ærø ß.txt'],
  ['e\u0301te\u0301.pdf', 'ete.pdf'],
  ['日本語 ファイル.pdf', '日本語 ファイル.pdf'],
  ['報告\u3000-草稿.pdf', '報告\u3000-草稿.pdf'],
  ['a..b.pdf', 'ab.pdf'],
  ['semi;colon$ back`tick 100°.pdf', 'semi_colon_ back_tick 100_.pdf'],
  ['Tom &amp; Jerry.pdf', 'Tom &amp_ Jerry.pdf'],
  ['—dash -—x.pdf', '—dash _—x.pdf'],
  ['name -', 'name'],
  ['x.', 'x'],
];

function upload(name: string, content = '%PDF-1.4 a file'): TicketUpload {
  return {
    name: 'portal-name.pdf',
    sentName: name,
    contentType: 'application/pdf',
    sizeBytes: content.length,
    open: async () => Readable.from([Buffer.from(content)]),
  };
}

describe('dolibarr binding: the name a file is kept under in Dolibarr', function () {
  this.timeout(60_000);

  describe('as Dolibarr names an upload', function () {
    it('keeps what Dolibarr 23 keeps for the same upload from its public ticket page', function () {
      for (const [sent, kept] of KEPT_BY_DOLIBARR) expect(uploadedFileName(sent), sent).to.equal(kept);
    });

    it('cuts a 240-character non-Latin name to 255 bytes, where Dolibarr could not keep it at all', function () {
      // Dolibarr's page: "File was not uploaded" (the file system's 255 bytes).
      const kept = uploadedFileName(LONG_CJK);
      expect(Buffer.byteLength(kept)).to.equal(253);
      expect(kept).to.equal(`${'報告書'.repeat(27)}報告.pdf`);
    });

    it('refuses what Dolibarr refuses, and appends .noexe where the agency lets an executable through', function () {
      // "Filename can't start with a '.'" and "File shell.php has a forbidden file extension".
      expect(() => uploadedFileName('.htaccess'))
        .to.throw(RefusedFileName)
        .with.property('status', 400);
      expect(() => uploadedFileName('shell.php'))
        .to.throw(RefusedFileName)
        .with.property('reason', 'extension');
      expect(() => uploadedFileName('page.HTML')).to.throw(RefusedFileName);
      // The restriction narrowed to "exe" (Setup > Security > Files upload): dol_move_uploaded_file renames it.
      expect(uploadedFileName('shell.php', { refusedExtensions: ['exe'] })).to.equal('shell.php.noexe');
      expect(uploadedFileName('page.HTML', { refusedExtensions: ['exe'] })).to.equal('page.html.noexe');
      expect(uploadedFileName('shell.php', { refusedExtensions: [], noexeNotRequired: true })).to.equal('shell.php');
      expect(Buffer.byteLength(uploadedFileName(`${'é'.repeat(200)}.php`, { refusedExtensions: [] }))).to.be.at.most(255);
    });

    it('hands a host the name as sent, with only the path, leading dots and a wrong extension settled', function () {
      expect(sentFilename('C:\\Users\\claire\\Réunion été.PDF', PDF)).to.equal('Réunion été.pdf');
      expect(sentFilename(LONG_CJK, PDF)).to.equal(LONG_CJK);
      expect(sentFilename('.hidden.pdf', PDF)).to.equal('hidden.pdf');
      expect(sentFilename('scan.png', PDF)).to.equal('scan.pdf');
    });
  });

  describe("the writers, on Dolibarr's schema", function () {
    let host: DolibarrHost;
    let approvals: HostApprovalFilesPort;

    before(async function () {
      // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
      // says which; CI's PostgreSQL pass runs it.
      if (reason) this.skip();
      host = await startDolibarrHost();
      await insertTicketInstallRows(host.db);
      const adapter = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, dataRoot: host.dataRoot });
      approvals = adapter.approvalFiles as HostApprovalFilesPort;
    });
    after(async function () {
      await host?.close();
    });
    afterEach(async function () {
      await host
        ?.db('llx_const')
        .whereIn('name', ['MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION', 'MAIN_DOCUMENT_IS_OUTSIDE_WEBROOT_SO_NOEXE_NOT_REQUIRED'])
        .del();
    });

    if (reason) it(`is skipped: ${reason}`, () => {});

    const ticketFiles = (ref: string, files: TicketUpload[]) =>
      host.db.transaction((trx) =>
        writeRecordFiles(trx, { dataRoot: host.dataRoot, entity: 1, record: { type: 'ticket', id: 900, ref }, agendaId: null, files }),
      );
    const filesOf = (ref: string) =>
      host
        .db('llx_ecm_files')
        .where({ filepath: `ticket/${ref}` })
        .orderBy('rowid')
        .pluck('filename');
    const onDisk = (ref: string) => {
      const dir = path.join(host.dataRoot, 'ticket', ref);
      return existsSync(dir) ? readdirSync(dir).sort() : [];
    };

    it('refuses a name that starts with a dot, and an executable, with a 400 that names no path; nothing is kept', async function () {
      for (const name of ['.htaccess', 'shell.php']) {
        const error = await ticketFiles('TS-DOT', [upload('fine.pdf'), upload(name)]).catch((err: unknown) => err);
        expect(error, name).to.be.an.instanceOf(RefusedFileName).with.property('status', 400);
        expect((error as Error).message).not.to.contain(host.dataRoot);
      }
      expect(await filesOf('TS-DOT')).to.deep.equal([]);
      expect(onDisk('TS-DOT')).to.deep.equal([]);
    });

    it('keeps an executable the agency lets through as .noexe, and as it is where its documents are outside the web root', async function () {
      await host
        .db('llx_const')
        .insert({ name: 'MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION', entity: 1, value: 'exe', type: 'chaine', visible: 0 });
      await ticketFiles('TS-EXE', [upload('shell.php')]);
      expect(await filesOf('TS-EXE')).to.deep.equal(['shell.php.noexe']);
      await host
        .db('llx_const')
        .insert({ name: 'MAIN_DOCUMENT_IS_OUTSIDE_WEBROOT_SO_NOEXE_NOT_REQUIRED', entity: 1, value: '1', type: 'chaine', visible: 0 });
      await ticketFiles('TS-EXE', [upload('run.sh')]);
      expect(await filesOf('TS-EXE')).to.deep.equal(['shell.php.noexe', 'run.sh']);
      expect(onDisk('TS-EXE')).to.deep.equal(['run.sh', 'shell.php.noexe']);
    });

    it('keeps a 240-character non-Latin name, twice, each name within 255 bytes', async function () {
      await ticketFiles('TS-LONG', [upload(LONG_CJK, 'first'), upload(LONG_CJK, 'second')]);
      const names = await filesOf('TS-LONG');
      expect(names).to.have.length(2);
      expect(names[0]).to.equal(uploadedFileName(LONG_CJK));
      expect(names[1]).to.match(/^[報告書]+ - \d{14}\.pdf$/);
      for (const name of names) expect(Buffer.byteLength(name)).to.be.at.most(255);
      expect(onDisk('TS-LONG')).to.have.length(2);
    });

    it("keeps the same name on a ticket's, a request's and an approval's path", async function () {
      const sent = 'Réunion été -draft.PDF';
      await host.db.transaction((trx) =>
        writeTicketFiles(trx, { dataRoot: host.dataRoot, entity: 1, ticketId: 901, ref: 'TS-SAME', agendaId: null, files: [upload(sent)] }),
      );
      const request = await host.db.transaction((trx) =>
        writeRecordFiles(trx, {
          dataRoot: host.dataRoot,
          entity: 1,
          record: { type: 'propal', id: 902, ref: '(PROV902)' },
          agendaId: null,
          files: [upload(sent)],
        }),
      );
      const ref = await host.db.transaction((trx) =>
        approvals.keep(
          '1',
          String(host.seed.companies.bakery),
          {
            title: 'Homepage',
            version: 1,
            fileName: 'portal-name.pdf',
            sentFileName: sent,
            contentType: 'application/pdf',
            content: Buffer.from('%PDF-1.4'),
            sharedBy: String(host.seed.users.admin),
          },
          { trx },
        ),
      );
      const approval = await host
        .db('llx_ecm_files')
        .where({ rowid: Number(ref) })
        .first('filename', 'fullpath_orig');
      expect(await filesOf('TS-SAME')).to.deep.equal(['Reunion ete _draft.pdf']);
      expect(request.map((file) => file.filename)).to.deep.equal(['Reunion ete _draft.pdf']);
      expect(approval).to.deep.equal({ filename: 'Homepage v1 - Reunion ete _draft.pdf', fullpath_orig: sent });
    });
  });
});
