// Covers ServiceRequestsPort and AppointmentsPort on Dolibarr's real schema with the Ticket and
// more modules (dolibarr-more-modules.sql: BookCal). Requests: the agency's request types from the
// portal's settings, a quote request written as a draft proposal the way Propal::create and
// add_contact(…, 'CUSTOMER', 'external') write it, a general one as a ticket of the chosen type,
// states read live from the record, the proposal linked both ways once validated. Appointments:
// BookCal's validated calendars with the portal's hours, a booking written as ActionComm::create
// writes an agenda event with the contact, two concurrent requests for one slot (one wins, one is
// told it is taken), the statuses a Dolibarr user sets on the event card read back and told once
// by the news pass, and the client's cancel.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { dolibarrBookcalModule } from '../../plugins/dolibarr/appointments.ts';
import { saveRequestType } from '../../plugins/dolibarr/queries/requests.ts';
import type { HostNewsPort } from '../../src/features/client-notifications/port.ts';
import type { Appointment, AppointmentsPort } from '../../src/features/appointments/port.ts';
import type { ServiceRequestsPort } from '../../src/features/requests/port.ts';
import {
  type DolibarrHost,
  insertBookingCalendar,
  insertMeetingType,
  insertTicketInstallRows,
  knowledgeModuleUnavailable,
  startDolibarrHost,
} from './dolibarr-host.ts';

const reason = knowledgeModuleUnavailable();
const HOUR = 3_600_000;

describe('dolibarr binding: service requests and appointments', function () {
  this.timeout(60_000);
  let host: DolibarrHost;
  let requests: ServiceRequestsPort;
  let appointments: AppointmentsPort;
  let news: HostNewsPort;
  let workspace: string;
  let bakery: string;
  let garage: string;
  let claire: string;
  let sophie: string;
  let paul: string;
  let calendar: number;
  let draftCalendar: number;
  let quoteType: string;
  let ticketType: string;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true, ticketModule: true, knowledgeModule: true });
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    await insertMeetingType(db);
    await db('llx_c_type_contact').insert({
      rowid: 41,
      element: 'propal',
      source: 'external',
      code: 'CUSTOMER',
      libelle: 'Customer contact following-up proposal',
      active: 1,
    });
    await db('llx_const').insert({ name: 'MAIN_MODULE_BOOKCAL', entity: 1, value: '1', type: 'chaine', visible: 0 });
    workspace = String(seed.entity);
    bakery = String(seed.companies.bakery);
    garage = String(seed.companies.garage);
    claire = String(seed.contacts.claire);
    sophie = String(seed.contacts.sophie);
    paul = String(seed.contacts.paul);
    const adapter = createDolibarrAdapter(db, {
      workspaceSlug: seed.workspaceSlug,
      actingUserId: seed.users.admin,
      tickets: true,
      requests: true,
      appointments: true,
    });
    requests = adapter.requests as ServiceRequestsPort;
    appointments = adapter.appointments as AppointmentsPort;
    news = adapter.news as HostNewsPort;
    calendar = await insertBookingCalendar(host);
    draftCalendar = await insertBookingCalendar(host, { ref: 'Draft calendar', status: 0 });
    quoteType = String(
      await saveRequestType(db, {
        entity: 1,
        name: 'Print quote',
        description: 'Posters and flyers',
        fields: [
          {
            key: 'size',
            type: 'select',
            label: 'Size',
            help: null,
            required: true,
            options: [
              { value: 'a3', label: 'A3' },
              { value: 'a2', label: 'A2' },
            ],
          },
          { key: 'copies', type: 'number', label: 'Copies', help: null, required: true, min: 1, max: 1000 },
          { key: 'artwork', type: 'file', label: 'Artwork', help: null, required: false },
        ],
        becomes: 'proposal',
        ticketType: null,
        position: 1,
        active: true,
      }),
    );
    ticketType = String(
      await saveRequestType(db, {
        entity: 1,
        name: 'Website change',
        description: '',
        fields: [{ key: 'what', type: 'textarea', label: 'What should change', help: null, required: true }],
        becomes: 'ticket',
        ticketType: 'REQUEST',
        position: 2,
        active: true,
      }),
    );
    await saveRequestType(db, {
      entity: 1,
      name: 'Retired',
      description: '',
      fields: [],
      becomes: 'proposal',
      ticketType: null,
      position: 3,
      active: false,
    });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  describe('requests', function () {
    it('offers the active request types, ticket ones only with the Ticket module', async function () {
      const names = (await requests.definitions(workspace, bakery, claire)).map((d) => `${d.name}:${d.kind}`);
      expect(names).to.deep.equal(['Print quote:quote', 'Website change:general']);
      const withoutTickets = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, requests: true }).requests!;
      expect((await withoutTickets.definitions(workspace, bakery, claire)).map((d) => d.name)).to.deep.equal(['Print quote']);
      expect(await requests.definition('2', bakery, claire, quoteType)).to.equal(null);
      const form = await requests.definition(workspace, bakery, claire, quoteType);
      expect(form?.fields.map((f) => f.type)).to.deep.equal(['select', 'number', 'file']);
    });

    it('writes a quote request as a draft proposal with the contact, as Propal::create and add_contact do', async function () {
      const sent = await requests.submit(workspace, bakery, claire, {
        definitionId: quoteType,
        answers: { size: 'a2', copies: 250, artwork: ['poster.pdf'] },
      });
      expect(sent).to.include({ title: 'Print quote', kind: 'quote', state: 'submitted' });
      expect(sent!.ref).to.match(/^REQ-\d{4,}$/);
      const link = await host.db('portal_dolibarr_requests').where({ id: sent!.id }).first();
      expect(link).to.include({ element: 'propal', fk_soc: host.seed.companies.bakery, fk_socpeople: host.seed.contacts.claire });
      const propal = await host.db('llx_propal').where({ rowid: link.fk_element }).first();
      expect(propal).to.include({
        ref: `(PROV${link.fk_element})`,
        entity: 1,
        fk_soc: host.seed.companies.bakery,
        fk_statut: 0,
        ref_client: sent!.ref,
        fk_user_author: host.seed.users.admin,
        multicurrency_code: 'EUR',
      });
      expect(Number(propal.total_ttc)).to.equal(0);
      expect(propal.note_public).to.contain('Size: A2').and.contain('Copies: 250').and.contain('Artwork: poster.pdf');
      expect(propal.fin_validite).to.be.an.instanceOf(Date);
      const contact = await host.db('llx_element_contact').where({ element_id: link.fk_element, fk_c_type_contact: 41 }).first();
      expect(contact).to.include({ fk_socpeople: host.seed.contacts.claire, statut: 4 });
      // A draft is never among the client's proposals, and answers no request yet.
      expect((await requests.find(workspace, bakery, claire, sent!.id))?.offer).to.equal(null);

      // The agency validates it in Dolibarr: the request is answered, linked both ways.
      await host
        .db('llx_propal')
        .where({ rowid: link.fk_element })
        .update({ fk_statut: 1, ref: 'PR2611-0042', date_valid: host.db.fn.now() });
      const found = await requests.find(workspace, bakery, claire, sent!.id);
      expect(found).to.include({ state: 'answered' });
      expect(found?.offer).to.deep.equal({ kind: 'proposal', id: String(link.fk_element), number: 'PR2611-0042' });
      expect(found?.answers).to.deep.equal({ size: 'a2', copies: 250, artwork: ['poster.pdf'] });
      expect((await requests.answeredBy!(workspace, bakery, { kind: 'proposal', id: String(link.fk_element) }))?.id).to.equal(sent!.id);
      expect(await requests.answeredBy!(workspace, garage, { kind: 'proposal', id: String(link.fk_element) })).to.equal(null);
      await host.db('llx_propal').where({ rowid: link.fk_element }).update({ fk_statut: 2 });
      expect(await requests.find(workspace, bakery, claire, sent!.id)).to.include({ state: 'closed', statusLabel: 'Signed' });
    });

    it('writes a general request as a ticket of the chosen type, and reads the agency’s answer', async function () {
      const sent = await requests.submit(workspace, bakery, sophie, {
        definitionId: ticketType,
        answers: { what: 'New <b>opening</b> hours' },
      });
      expect(sent).to.include({ kind: 'general', state: 'submitted' });
      const link = await host.db('portal_dolibarr_requests').where({ id: sent!.id }).first();
      expect(link.element).to.equal('ticket');
      const ticket = await host.db('llx_ticket').where({ rowid: link.fk_element }).first();
      expect(ticket).to.include({
        type_code: 'REQUEST',
        // What Dolibarr's public form preselects and posts: the default severity; no public category.
        severity_code: 'NORMAL',
        category_code: null,
        fk_soc: host.seed.companies.bakery,
        fk_statut: 0,
        origin_email: 'sophie@martin.example',
      });
      expect(ticket.subject).to.equal(`Website change (${sent!.ref})`);
      expect(ticket.message).to.equal('What should change: New &lt;b&gt;opening&lt;/b&gt; hours');
      const supportcli = await host.db('llx_element_contact').where({ element_id: link.fk_element, fk_c_type_contact: 157 }).first();
      expect(supportcli?.fk_socpeople).to.equal(host.seed.contacts.sophie);
      await host.db('llx_ticket').where({ rowid: link.fk_element }).update({ fk_statut: 3 });
      expect(await requests.find(workspace, bakery, sophie, sent!.id)).to.include({ state: 'inReview', answer: null });
      await host.db('llx_actioncomm').insert({
        ref: 'x',
        entity: 1,
        code: 'TICKET_MSG',
        label: 'answer',
        note: '<p>Done on Monday</p>',
        datec: host.db.fn.now(),
        datep: host.db.fn.now(),
        fk_user_author: host.seed.users.staff,
        elementtype: 'ticket',
        fk_element: link.fk_element,
        percent: -1,
      });
      const found = await requests.find(workspace, bakery, sophie, sent!.id);
      expect(found).to.include({ state: 'answered', answer: 'Done on Monday' });
      expect(found?.answeredAt).to.be.an.instanceOf(Date);
    });

    it('lists a company’s requests newest first, searched, and never another company’s', async function () {
      const page = await requests.list(workspace, bakery, claire, {}, { limit: 1, after: null });
      expect(page.items.map((r) => r.title)).to.deep.equal(['Website change']);
      const next = await requests.list(workspace, bakery, claire, {}, { limit: 1, after: page.next });
      expect(next.items.map((r) => r.title)).to.deep.equal(['Print quote']);
      expect((await requests.list(workspace, bakery, claire, { search: 'print' }, { limit: 10, after: null })).items).to.have.length(1);
      const ref = next.items[0]!.ref;
      expect(
        (await requests.list(workspace, bakery, claire, { search: ref }, { limit: 10, after: null })).items.map((r) => r.ref),
      ).to.deep.equal([ref]);
      expect((await requests.list(workspace, garage, paul, {}, { limit: 10, after: null })).items).to.deep.equal([]);
      expect(await requests.find(workspace, garage, paul, next.items[0]!.id)).to.equal(null);
      expect(await requests.submit(workspace, garage, claire, { definitionId: quoteType, answers: {} })).to.equal(null);
    });
  });

  describe('appointments', function () {
    const now = new Date();
    let slot: { startsAt: Date; endsAt: Date };

    it('offers BookCal’s validated calendars the agency gave hours, where the module is on', async function () {
      expect(await dolibarrBookcalModule(host.db, 1)).to.equal(true);
      expect(await appointments.services(workspace, bakery)).to.deep.equal([{ id: String(calendar), name: 'Consultation', minutes: 60 }]);
      expect(await appointments.freeSlots(workspace, String(draftCalendar), now, new Date(now.getTime() + 72 * HOUR), now)).to.equal(null);
      const slots = (await appointments.freeSlots(workspace, String(calendar), now, new Date(now.getTime() + 72 * HOUR), now))!;
      expect(slots.length).to.be.greaterThan(3);
      slot = slots[2]!;
      expect(slot.endsAt.getTime() - slot.startsAt.getTime()).to.equal(HOUR);
    });

    it('gives one slot to one of two clients asking at once; the other is told it is taken', async function () {
      const ask = (client: string, contact: string) =>
        appointments.request(
          workspace,
          client,
          contact,
          { serviceId: String(calendar), startsAt: slot.startsAt, note: 'Logo', timeZone: 'Europe/Berlin' },
          now,
        );
      const answers = await Promise.all([ask(bakery, claire), ask(garage, paul), ask(bakery, sophie)]);
      const booked = answers.filter((a): a is Appointment => a !== null && 'id' in a);
      expect(booked).to.have.length(1);
      expect(answers.filter((a) => a && 'refused' in a && a.refused === 'taken')).to.have.length(2);
      expect(await host.db('llx_actioncomm').where({ fk_bookcal_calendar: calendar })).to.have.length(1);
      const free = (await appointments.freeSlots(workspace, String(calendar), now, new Date(now.getTime() + 72 * HOUR), now))!;
      expect(free.some((s) => s.startsAt.getTime() === slot.startsAt.getTime())).to.equal(false);
      const offHours = await appointments.request(
        workspace,
        bakery,
        claire,
        { serviceId: String(calendar), startsAt: new Date(slot.startsAt.getTime() + 10 * 60_000), note: '', timeZone: 'UTC' },
        now,
      );
      expect(offHours).to.deep.equal({ refused: 'unavailable' });
    });

    it('writes the booking as ActionComm::create writes a meeting with the contact', async function () {
      const [event] = await host
        .db('llx_actioncomm')
        .where({ fk_bookcal_calendar: calendar })
        .select('*', host.db.raw('datep::timestamptz as at'));
      const booking = await host.db('portal_dolibarr_appointments').where({ fk_actioncomm: event.id }).first();
      expect(event).to.include({
        ref: String(event.id),
        entity: 1,
        code: 'AC_RDV',
        fk_action: 5,
        percent: 0,
        fk_user_action: host.seed.users.admin,
        transparency: 1,
        // ActionComm::create: "$this->durationp = ($this->datef - $this->datep)", in seconds.
        durationp: 3600,
      });
      expect(event.fk_soc).to.equal(booking.fk_soc);
      expect(event.fk_contact).to.equal(booking.fk_socpeople);
      expect(event.at.getTime()).to.equal(slot.startsAt.getTime());
      expect(event.label).to.match(/^Consultation – /);
      const resources = await host.db('llx_actioncomm_resources').where({ fk_actioncomm: event.id }).orderBy('element_type');
      // The owner busy as the event is; a contact's row always "0, 0, 0" (mandatory, transparency,
      // answer_status), as ActionComm::create writes socpeopleassigned.
      expect(resources.map((r) => `${r.element_type}:${r.fk_element}:${r.transparency}`)).to.deep.equal([
        `socpeople:${booking.fk_socpeople}:0`,
        `user:${host.seed.users.admin}:1`,
      ]);
    });

    it('reads what the agency sets on the event card, and the news pass tells each change once', async function () {
      const event = await host.db('llx_actioncomm').where({ fk_bookcal_calendar: calendar }).first();
      const booking = await host.db('portal_dolibarr_appointments').where({ fk_actioncomm: event.id }).first();
      const client = String(booking.fk_soc);
      const contact = String(booking.fk_socpeople);
      const id = String(event.id);
      const first = await news.since(workspace, null, new Date(Date.now() - HOUR));
      expect(first.items.filter((i) => i.kind === 'appointment')).to.deep.equal([]);
      expect(await appointments.find(workspace, client, contact, id)).to.include({
        status: 'pending',
        sequence: 0,
        timeZone: 'Europe/Berlin',
      });
      await host.db('llx_actioncomm').where({ id: event.id }).update({ percent: 50 });
      expect(await appointments.find(workspace, client, contact, id)).to.include({ status: 'confirmed', sequence: 1 });
      const told = await news.since(workspace, first.cursor, new Date());
      const items = told.items.filter((i) => i.kind === 'appointment');
      expect(items).to.deep.equal([
        {
          kind: 'appointment',
          happened: 'answered',
          id,
          clientId: client,
          number: '',
          title: 'Consultation',
          contactId: contact,
          occurrence: 'confirmed:1',
        },
      ]);
      expect((await news.since(workspace, told.cursor, new Date())).items.filter((i) => i.kind === 'appointment')).to.deep.equal([]);
      // Moved in the agenda: datep and datep2 a day later.
      await host
        .db('llx_actioncomm')
        .where({ id: event.id })
        .update({ datep: host.db.raw("datep + interval '1 day'"), datep2: host.db.raw("datep2 + interval '1 day'") });
      const moved = await appointments.find(workspace, client, contact, id);
      expect(moved).to.include({ status: 'moved', sequence: 2 });
      expect(moved!.startsAt.getTime()).to.equal(slot.startsAt.getTime() + 24 * HOUR);
      const again = await news.since(workspace, told.cursor, new Date());
      expect(again.items.filter((i) => i.kind === 'appointment').map((i) => 'occurrence' in i && i.occurrence)).to.deep.equal(['moved:2']);
      expect(await appointments.find(workspace, garage === client ? bakery : garage, contact, id)).to.equal(null);
    });

    it('lets the client cancel a standing booking, which frees the time; one deleted on the card is declined, or cancelled once confirmed', async function () {
      const event = await host.db('llx_actioncomm').where({ fk_bookcal_calendar: calendar }).first();
      const booking = await host.db('portal_dolibarr_appointments').where({ fk_actioncomm: event.id }).first();
      const client = String(booking.fk_soc);
      const contact = String(booking.fk_socpeople);
      const upcoming = await appointments.list(workspace, client, contact, 'upcoming', new Date(), { limit: 10, after: null });
      expect(upcoming.items.map((a) => a.id)).to.deep.equal([String(event.id)]);
      const cancelled = await appointments.cancel(workspace, client, contact, String(event.id));
      expect(cancelled).to.include({ status: 'cancelled' });
      // Gone as ActionComm::delete removes it, so Dolibarr's page no longer counts it either.
      expect(await host.db('llx_actioncomm').where({ id: event.id }).first()).to.equal(undefined);
      expect(await appointments.cancel(workspace, client, contact, String(event.id))).to.equal(null);
      const moved = new Date(slot.startsAt.getTime() + 24 * HOUR);
      const free = (await appointments.freeSlots(workspace, String(calendar), now, new Date(now.getTime() + 96 * HOUR), now))!;
      expect(free.some((s) => s.startsAt.getTime() === moved.getTime())).to.equal(true);
      // Another booking: "Not applicable" on the card is how Dolibarr's page writes a request, still
      // pending; the agency declines by deleting the event.
      const other = (await appointments.request(
        workspace,
        bakery,
        claire,
        { serviceId: String(calendar), startsAt: slot.startsAt, note: '', timeZone: 'UTC' },
        now,
      )) as Appointment;
      expect(other.status).to.equal('pending');
      await host
        .db('llx_actioncomm')
        .where({ id: Number(other.id) })
        .update({ percent: -1 });
      expect(await appointments.find(workspace, bakery, claire, other.id)).to.include({ status: 'pending' });
      await host
        .db('llx_actioncomm_resources')
        .where({ fk_actioncomm: Number(other.id) })
        .delete();
      await host
        .db('llx_actioncomm')
        .where({ id: Number(other.id) })
        .delete();
      expect(await appointments.find(workspace, bakery, claire, other.id)).to.include({ status: 'declined' });
      expect(await appointments.cancel(workspace, bakery, claire, other.id)).to.equal(null);
      // A third, confirmed and told so, then deleted on the card: the agency called it off, told once.
      const third = (await appointments.request(
        workspace,
        bakery,
        claire,
        { serviceId: String(calendar), startsAt: slot.startsAt, note: '', timeZone: 'UTC' },
        now,
      )) as Appointment;
      await host
        .db('llx_actioncomm')
        .where({ id: Number(third.id) })
        .update({ percent: 50 });
      const thirdNews = async () =>
        (await news.since(workspace, null, new Date(Date.now() - HOUR))).items
          .filter((i) => i.kind === 'appointment' && i.id === third.id)
          .map((i) => i.occurrence);
      expect(await thirdNews()).to.deep.equal(['confirmed:1']);
      await host
        .db('llx_actioncomm_resources')
        .where({ fk_actioncomm: Number(third.id) })
        .delete();
      await host
        .db('llx_actioncomm')
        .where({ id: Number(third.id) })
        .delete();
      expect(await appointments.find(workspace, bakery, claire, third.id)).to.include({ status: 'cancelled' });
      expect(await thirdNews()).to.deep.equal(['cancelled:2']);
      expect(await thirdNews()).to.deep.equal([]);
    });
  });
});
