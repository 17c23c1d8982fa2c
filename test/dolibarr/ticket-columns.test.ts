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
//  - what the portal reads back of those columns: the client's text as typed, no <br>, no entity.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { TicketsPort } from '../../src/core/ports/host.ts';
import { insertTicketInstallRows, startDolibarrHost, ticketModuleUnavailable, type DolibarrHost } from './dolibarr-host.ts';

type Row = Record<string, unknown>;
const reason = ticketModuleUnavailable();

describe("dolibarr binding: a client's ticket and reply, column by column as Dolibarr's public pages write them", function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let tickets: TicketsPort;
  let bakery: string;
  let claire: string;
  const workspaceId = '1';
  const ip = '203.0.113.7';

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true });
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

  async function openTicket(subject: string): Promise<string> {
    const created = await tickets.create(
      workspaceId,
      bakery,
      claire,
      { subject, description, categoryId: null, typeId: 'ISSUE', priorityId: 'HIGH' },
      { ip },
    );
    expect(created).to.not.equal(null);
    return created!.id;
  }

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
    const ref = String(
      (await host
        .db('llx_ticket')
        .where({ rowid: Number(id) })
        .first<Row>('ref'))!.ref,
    );
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
    const ref = String(
      (await host
        .db('llx_ticket')
        .where({ rowid: Number(id) })
        .first<Row>('ref'))!.ref,
    );
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
});
