// Covers, column by column, the rows a client's ticket and reply leave in Dolibarr's tables,
// against the rows Dolibarr's public ticket interface writes for the same acts (the expected rows
// below are read off Dolibarr's source, cited at each value):
//  - the llx_ticket row of public/ticket/create_ticket.php → Ticket::create, with the client's
//    address in ip and fk_contract NULL, its track_id of generate_random_id(16)'s alphabet;
//  - its AC_TICKET_CREATE agenda event (interface_50_modAgenda_ActionsAuto → ActionComm::create)
//    with no user, no llx_actioncomm_resources row, the requester's email and address;
//  - a reply as public/ticket/view.php → Ticket::newMessage → createTicketMessage writes it: the
//    TICKET_MSG event, its label as the public message form fills it, its note as
//    dol_htmlwithnojs leaves a plain text (escaped, line breaks as <br>), and the ticket moved to
//    IN_PROGRESS from every open status but IN_PROGRESS itself;
//  - what the portal reads back of those columns: the client's text as typed, no <br>, no entity;
//  - the client's files in Dolibarr's own documents where the data root is writable:
//    <data root>/ticket/<ref>/<name> and the llx_ecm_files row addFileIntoDatabaseIndex writes
//    (a reply's linked to its event), a taken name renamed as copyFilesForTicket renames it, both
//    gone when the transaction does not commit, and listed and read back through the port;
//  - without a data root the portal can write, the port keeps no files (the portal keeps them) and
//    the standalone server says so at start-up.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { dolibarrStandalone } from '../../plugins/dolibarr/standalone.ts';
import type { TicketsPort, TicketUpload } from '../../src/features/tickets/port.ts';
import { opened } from '../support/opened-ticket.ts';
import { insertTicketInstallRows, startDolibarrHost, ticketModuleUnavailable, type DolibarrHost } from './dolibarr-host.ts';

type Row = Record<string, unknown>;
const reason = ticketModuleUnavailable();

/**
 * Waits until `done` holds, five seconds at most: the files of a rolled-back write are removed
 * after the rollback's promise settles, asynchronously, which on a busy machine takes more than
 * one turn of the event loop. The assertion after it says what was left if it never does.
 */
async function settled(done: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5000 && !done(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("dolibarr binding: a client's ticket and reply, column by column as Dolibarr's public pages write them", function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let tickets: TicketsPort;
  let bakery: string;
  let claire: string;
  const workspaceId = '1';
  const ip = '203.0.113.7';

  before(async function () {
    // Skipped where no real Dolibarr database with its Ticket module can be made: the schemas are
    // loaded with psql into a PostgreSQL server (DATABASE_URL), which the embedded engine is not.
    // CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true, portalTables: true });
    bakery = String(host.seed.companies.bakery);
    claire = String(host.seed.contacts.claire);
    await insertTicketInstallRows(host.db);
    await host.db('llx_const').insert([
      { name: 'MAIN_MODULE_AGENDA', entity: 1, value: '1', type: 'chaine', visible: 0 },
      { name: 'MAIN_AGENDA_ACTIONAUTO_TICKET_CREATE', entity: 1, value: '1', type: 'chaine', visible: 0 },
    ]);
    tickets = createDolibarrAdapter(host.db, {
      workspaceSlug: host.seed.workspaceSlug,
      actingUserId: host.seed.users.admin,
      tickets: true,
      dataRoot: host.dataRoot,
    }).tickets!;
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  const description = 'Since Monday the "Pro" printer\'s tray <b>jams</b> & beeps.\r\nPlease call.';
  // dol_htmlwithnojs on a text that is not HTML: dol_nl2br ("<br>" before the kept line break),
  // then DOMDocument::saveHTML, which escapes &, < and > of the text and no quote.
  const descriptionStored = 'Since Monday the "Pro" printer\'s tray &lt;b&gt;jams&lt;/b&gt; &amp; beeps.<br>\nPlease call.';

  async function openTicket(subject: string, files?: TicketUpload[]): Promise<string> {
    const created = await tickets.create(
      workspaceId,
      bakery,
      claire,
      { subject, description, categoryId: null, typeId: 'ISSUE', priorityId: 'HIGH', ...(files ? { files } : {}) },
      { ip },
    );
    return opened(created).id;
  }

  const upload = (name: string, content: string, contentType = 'text/plain'): TicketUpload => ({
    name,
    contentType,
    sizeBytes: Buffer.byteLength(content),
    open: async () => Readable.from([Buffer.from(content)]),
  });
  const md5 = (content: string) => createHash('md5').update(content).digest('hex');
  const refOf = async (id: string) =>
    String(
      (await host
        .db('llx_ticket')
        .where({ rowid: Number(id) })
        .first<Row>('ref'))!.ref,
    );
  const ecmRows = (ticketId: string) =>
    host
      .db('llx_ecm_files')
      .where({ src_object_type: 'ticket', src_object_id: Number(ticketId) })
      .orderBy('rowid')
      .select<Row[]>();

  it('opens the llx_ticket row create_ticket.php writes through Ticket::create', async function () {
    const id = await openTicket('Printer jam');
    const row = await host
      .db('llx_ticket')
      .where({ rowid: Number(id) })
      .first<Row>();
    const { rowid, ref, track_id, datec, tms, ...rest } = row;
    expect(rowid).to.equal(Number(id));
    expect(ref).to.match(/^TS\d{4}-0001$/);
    // ticket.lib.php generate_random_id(16): $chaine = "abcdefghijklmnopqrstuvwxyz123456789".
    expect(track_id).to.match(/^[a-z1-9]{16}$/);
    expect(datec).to.be.instanceOf(Date);
    expect(tms).to.be.instanceOf(Date);
    expect(rest).to.deep.equal({
      entity: 1, // Ticket::create: $conf->entity
      fk_soc: Number(bakery), // create_ticket.php: $contacts[0]->socid
      fk_project: null, // Ticket::create: "$this->fk_project > 0 ? … : null"
      fk_contract: null, // Ticket::create: "$this->fk_contract > 0 ? … : null"
      origin_email: 'claire@martin.example', // create_ticket.php: $object->origin_email = $origin_email
      origin_replyto: null,
      origin_references: null,
      fk_user_create: null, // "!isset(fk_user_create) ? ($user->id > 0 ? $user->id : 'NULL')": no user on a NOLOGIN page
      fk_user_assign: null,
      subject: 'Printer jam', // GETPOST('subject', 'alphanohtml'), trimmed by Ticket::verify
      message: descriptionStored, // GETPOST('message', 'restricthtml'), trimmed by Ticket::verify
      fk_statut: 0, // "!isset(fk_statut) ? '0'": STATUS_NOT_READ
      note_public: null,
      note_private: null,
      fk_user_modif: null,
      resolution: null,
      progress: 0, // "!isset(progress) ? '0'"
      timing: null,
      type_code: 'ISSUE', // GETPOST('type_code', 'aZ09')
      category_code: null, // "empty(category_code) || == '-1' ? 'NULL'": no public category chosen nor default
      severity_code: 'HIGH',
      date_read: null,
      date_last_msg_sent: null,
      date_close: null,
      notify_tiers_at_create: 1, // "!isset(notify_tiers_at_create) ? '1'"
      email_msgid: null,
      email_date: null,
      ip, // create_ticket.php: $object->ip = getUserRemoteIP()
      model_pdf: null,
      last_main_doc: null,
      extraparams: null,
      barcode: null,
      fk_barcode_type: null,
      import_key: null,
    });

    // The portal reads the column back as what the client typed.
    const detail = await tickets.find(workspaceId, bakery, claire, id);
    expect(detail!.description).to.equal(description.replace('\r\n', '\n'));
  });

  it('writes the AC_TICKET_CREATE event with no user, the requester as email_from and the address', async function () {
    const id = await openTicket('Scanner');
    const ref = await refOf(id);
    const event = await host
      .db('llx_actioncomm')
      .where({ elementtype: 'ticket', fk_element: Number(id), code: 'AC_TICKET_CREATE' })
      .first<Row>();
    expect(event).to.include({
      ref: String(event!.id), // ActionComm::create: ref = id, written back
      entity: 1,
      fk_action: 40, // type_code AC_OTH_AUTO
      code: 'AC_TICKET_CREATE',
      label: `Ticket ${ref} created`, // agenda.lang TICKET_CREATEInDolibarr
      note: `Ticket ${ref} created`,
      fk_soc: Number(bakery),
      fk_project: null,
      fk_contact: null,
      // runTrigger: authorid = userownerid = $user->id, nobody on create_ticket.php; ActionComm::create
      // writes "null" for an id that is not > 0.
      fk_user_author: null,
      fk_user_action: null,
      percent: -1,
      elementtype: 'ticket',
      fk_element: Number(id),
      email_from: 'claire@martin.example', // runTrigger: $actioncomm->email_from = $object->email_from
      ip,
    });
    // The owner 0 is in userassigned, but only "$val['id'] > 0" gets a resources row.
    expect(await host.db('llx_actioncomm_resources').where({ fk_actioncomm: event!.id }).select()).to.deep.equal([]);
  });

  it('writes a reply as createTicketMessage from the public page, and reads it back as typed', async function () {
    const id = await openTicket('Router');
    const ref = await refOf(id);
    const text = 'It says "error <42>" & stops.\nAgain.';
    const reply = await tickets.reply(workspaceId, bakery, claire, id, `  ${text} `, { ip });
    const event = await host
      .db('llx_actioncomm')
      .where({ id: Number(reply!.id) })
      .first<Row>();
    expect(event).to.include({
      ref: String(event!.id),
      entity: 1,
      fk_action: 40, // createTicketMessage: type_code 'AC_OTH_AUTO'
      code: 'TICKET_MSG', // not private, not sent by email
      // The public message form's subject (FormTicket::showMessageForm):
      // '['.MAIN_INFO_SOCIETE_NOM.' - '.trans('Ticket').' '.ref.'] '.subject.
      label: `[Atelier Lumière - Ticket ${ref}] Router`,
      note: 'It says "error &lt;42&gt;" &amp; stops.<br>\nAgain.',
      fk_soc: Number(bakery),
      fk_project: null,
      fk_contact: Number(claire), // TICKET_ASSIGN_CONTACT_TO_MESSAGE's contact of origin_email
      fk_user_author: null, // $user of the public page: nobody
      fk_user_action: null,
      email_from: 'claire@martin.example', // $_SESSION['email_customer']
      percent: -1, // "percentage is not relevant for punctual events"
      datep2: null, // no end date
      durationp: null,
      elementtype: 'ticket',
      fk_element: Number(id),
      ip,
    });
    expect(await host.db('llx_actioncomm_resources').where({ fk_actioncomm: event!.id }).select()).to.deep.equal([]);
    const detail = await tickets.find(workspaceId, bakery, claire, id);
    expect(detail!.messages.at(-1)!.body).to.equal(text);
  });

  it('moves every open status but IN_PROGRESS to IN_PROGRESS on a reply, as Ticket::newMessage from the public area', async function () {
    // newMessage: (status < IN_PROGRESS && !$user->socid && !$private) || (status > IN_PROGRESS && $public_area).
    for (const [from, to] of [
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
      [5, 3],
      [7, 3],
    ] as const) {
      const id = await openTicket(`Status ${from}`);
      await host
        .db('llx_ticket')
        .where({ rowid: Number(id) })
        .update({ fk_statut: from });
      expect(await tickets.reply(workspaceId, bakery, claire, id, 'More'), `from ${from}`).to.not.equal(null);
      expect(
        await host
          .db('llx_ticket')
          .where({ rowid: Number(id) })
          .first('fk_statut'),
        `from ${from}`,
      ).to.deep.equal({ fk_statut: to });
    }
  });
  it("puts a new ticket's files in Dolibarr's ticket directory with the llx_ecm_files row addFileIntoDatabaseIndex writes", async function () {
    expect(tickets.keepsClientFiles).to.equal(true);
    const id = await openTicket('Photos', [upload('tray photo.txt', 'the tray'), upload('a/../../etc/notes: a?.txt', 'notes')]);
    const ref = await refOf(id);
    const dir = path.join(host.dataRoot, 'ticket', ref);
    // dol_sanitizeFileName: the characters a file system trips on as '_', then '..' dropped: no path.
    // (A name that starts with a dot, '../x', is refused: upload-names.test.ts.)
    expect(readdirSync(dir).sort()).to.deep.equal(['a___etc_notes_ a_.txt', 'tray photo.txt']);
    expect(readFileSync(path.join(dir, 'tray photo.txt'), 'utf8')).to.equal('the tray');
    const rows = await ecmRows(id);
    expect(rows).to.have.length(2);
    const { rowid, date_c, tms, position, ...rest } = rows[0]!;
    expect(date_c).to.be.instanceOf(Date);
    expect(tms).to.be.instanceOf(Date);
    // EcmFiles::create: MAX(position) of the directory + 1.
    expect([position, rows[1]!.position]).to.deep.equal([1, 2]);
    expect(rest).to.deep.equal({
      ref: md5(`ticket/${ref}/tray photo.txt`), // dol_hash(filepath.'/'.filename, 3)
      label: md5('the tray'), // md5_file(): "MD5 of file content"
      share: null, // setsharekey 0
      share_pass: null,
      entity: 1,
      filepath: `ticket/${ref}`, // DOL_DATA_ROOT stripped, no leading or trailing /
      filename: 'tray photo.txt',
      src_object_type: 'ticket', // $object->table_element
      src_object_id: Number(id),
      agenda_id: null,
      fullpath_orig: 'tray photo.txt', // the uploaded name
      description: '', // "indexed content"
      keywords: '',
      content: null,
      cover: null,
      gen_or_uploaded: 'uploaded',
      extraparams: null,
      fk_user_c: null, // the public page has no user
      fk_user_m: null,
      note_private: null,
      note_public: null,
      acl: null,
      geolat: null,
      geolong: null,
      geopoint: null,
      georesultcode: null,
    });
    expect(rows[1]).to.include({ filename: 'a___etc_notes_ a_.txt', fullpath_orig: 'a/../../etc/notes: a?.txt' });
    // No temporary file is left beside them.
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).to.deep.equal([]);

    // Read back through the port, as staff's files are.
    const files = await tickets.files!(workspaceId, bakery, id);
    expect(files.map((f) => [f.name, f.messageId])).to.deep.equal([
      ['tray photo.txt', null],
      ['a___etc_notes_ a_.txt', null],
    ]);
    const content = await tickets.fileContent!(workspaceId, bakery, id, files[0]!.id);
    expect(await readText(content!.content)).to.equal('the tray');
  });

  it("links a reply's file to its event, and renames a taken name as copyFilesForTicket does", async function () {
    const id = await openTicket('Logs', [upload('log.txt', 'first')]);
    const ref = await refOf(id);
    const reply = await tickets.reply(workspaceId, bakery, claire, id, 'Another log', { ip }, [upload('log.txt', 'second')]);
    const rows = await ecmRows(id);
    expect(rows.map((row) => [row.filename, row.agenda_id, row.label])).to.satisfy((found: unknown[][]) => {
      expect(found[0]).to.deep.equal(['log.txt', null, md5('first')]);
      // "$pathinfo['filename'].' - '.dol_print_date($now, 'dayhourlog').'.'.$pathinfo['extension']"
      expect(found[1]![0]).to.match(/^log - \d{14}\.txt$/);
      expect(found[1]!.slice(1)).to.deep.equal([Number(reply!.id), md5('second')]);
      return true;
    });
    expect(readFileSync(path.join(host.dataRoot, 'ticket', ref, 'log.txt'), 'utf8')).to.equal('first');
    expect(readFileSync(path.join(host.dataRoot, 'ticket', ref, String(rows[1]!.filename)), 'utf8')).to.equal('second');
    const files = await tickets.files!(workspaceId, bakery, id);
    expect(files.find((f) => f.name === rows[1]!.filename)!.messageId).to.equal(reply!.id);
  });

  it('leaves neither file nor row when the transaction does not commit', async function () {
    const existing = await openTicket('Rolled back reply');
    const ref = await refOf(existing);
    const dir = path.join(host.dataRoot, 'ticket', ref);
    const listed = () => (existsSync(dir) ? readdirSync(dir) : []);
    const before = listed();
    const rollback = new Error('rolled back on purpose');
    const failed = await host.db
      .transaction(async (trx) => {
        const reply = await tickets.reply(workspaceId, bakery, claire, existing, 'With a file', { trx }, [upload('gone.txt', 'gone')]);
        expect(reply).to.not.equal(null);
        expect(existsSync(path.join(dir, 'gone.txt')), 'written while the transaction is open').to.equal(true);
        throw rollback;
      })
      .catch((error: unknown) => error);
    expect(failed).to.equal(rollback);
    // The cleanup follows the rollback's promise and removes the file asynchronously.
    await settled(() => listed().length === before.length);
    expect(listed()).to.deep.equal(before);
    expect(
      await host
        .db('llx_ecm_files')
        .where({ filepath: `ticket/${ref}`, filename: 'gone.txt' })
        .first(),
    ).to.equal(undefined);

    // A file that fails half way: the ticket, its row and its file all go.
    const count = async () => Number((await host.db('llx_ticket').count<Array<{ n: string }>>('* as n'))[0]!.n);
    const tickets0 = await count();
    const broken: TicketUpload = {
      name: 'broken.txt',
      contentType: 'text/plain',
      sizeBytes: 10,
      open: async () =>
        new Readable({
          read() {
            this.destroy(new Error('the upload broke'));
          },
        }),
    };
    const error = await tickets
      .create(workspaceId, bakery, claire, {
        subject: 'Broken',
        description: 'x',
        categoryId: null,
        typeId: null,
        priorityId: null,
        files: [upload('ok.txt', 'ok'), broken],
      })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect(await count()).to.equal(tickets0);
    const leftovers = () =>
      readdirSync(path.join(host.dataRoot, 'ticket')).flatMap((d) =>
        readdirSync(path.join(host.dataRoot, 'ticket', d)).filter((name) => name === 'ok.txt' || name.startsWith('.')),
      );
    await settled(() => leftovers().length === 0);
    expect(leftovers()).to.deep.equal([]);
  });

  it('keeps no files where it cannot write the data root, and the standalone server says so', async function () {
    const withoutRoot = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, tickets: true }).tickets!;
    expect(withoutRoot.keepsClientFiles).to.equal(undefined);
    const missingRoot = path.join(host.dataRoot, 'not-there');
    const unreachable = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, tickets: true, dataRoot: missingRoot })
      .tickets!;
    expect(unreachable.keepsClientFiles).to.equal(undefined);
    // Files handed over anyway are not written: the portal keeps them.
    const created = await unreachable.create(workspaceId, bakery, claire, {
      subject: 'Unreachable',
      description: 'x',
      categoryId: null,
      typeId: null,
      priorityId: null,
      files: [upload('kept.txt', 'kept')],
    });
    expect(await ecmRows(opened(created).id)).to.deep.equal([]);
    expect(existsSync(missingRoot)).to.equal(false);

    const warnings = async (env: Record<string, string>) =>
      (await (await dolibarrStandalone.open(host.db, { DOLIBARR_WORKSPACE_SLUG: host.seed.workspaceSlug, ...env })).startupWarnings?.()) ??
      [];
    const [unset, ...more] = await warnings({});
    expect(more).to.deep.equal([]);
    expect(unset).to.include('DOL_DATA_ROOT is unset').and.include('Linked files');
    expect((await warnings({ DOL_DATA_ROOT: missingRoot }))[0]).to.include(`DOL_DATA_ROOT (${missingRoot}) is not writable`);
    expect(await warnings({ DOL_DATA_ROOT: host.dataRoot })).to.deep.equal([]);
  });
});
