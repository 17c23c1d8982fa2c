// Covers the admin's Requests and calendars page beside a real Dolibarr (Ticket and BookCal
// modules), where Dolibarr keeps no catalogue of requests nor booking hours: staff add a request
// type with its questions and what it becomes (a ticket of a chosen type), change it, and set a
// BookCal calendar's hours; each form posts then redirects, a refused one comes back (400) with
// its message in English and German, and what was saved is what the binding offers clients. A
// calendar of another entity, a draft one and an unknown request type are 404.
import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { csrfFrom } from '../support/portal-harness.ts';
import { portalOnHost, type PortalOnHost } from '../support/portal-on-host.ts';
import { type DolibarrHost, insertTicketInstallRows, knowledgeModuleUnavailable, startDolibarrHost } from './dolibarr-host.ts';

const reason = knowledgeModuleUnavailable();
const ADMIN = '/settings/client-portal';

describe('dolibarr host: the admin keeps request types and booking hours', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let server: Server;
  let staff: ReturnType<typeof request.agent>;
  let calendar: number;
  let draft: number;
  let adapter: ReturnType<typeof createDolibarrAdapter>;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true, knowledgeModule: true, portalTables: true });
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    const insertCalendar = async (label: string, status: number, entity = 1) =>
      (
        (
          await db('llx_bookcal_calendar')
            .insert({ entity, ref: label, label, status, type: 0, visibility: seed.users.admin, fk_user_creat: seed.users.admin })
            .returning('rowid')
        )[0] as { rowid: number }
      ).rowid;
    calendar = await insertCalendar('Consultation', 1);
    draft = await insertCalendar('Draft', 0);
    adapter = createDolibarrAdapter(db, {
      workspaceSlug: seed.workspaceSlug,
      actingUserId: seed.users.admin,
      tickets: true,
      requests: true,
      appointments: true,
    });
    adapter.staff.current = async () => ({
      id: String(seed.users.admin),
      workspaceId: '1',
      name: 'Admin',
      email: 'admin@atelier.example',
      role: 'admin',
    });
    running = await portalOnHost({
      db,
      databaseUrl: host.database.url,
      adapter,
      workspaceSlug: seed.workspaceSlug,
      from: 'Atelier <portal@atelier.example>',
    });
    const app = express();
    app.use(ADMIN, running.portal.adminRouter);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    staff = request.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(async function () {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('adds a request type that becomes a ticket, and changes it; a refused form says why', async function () {
    const page = (await staff.get(`${ADMIN}/catalogue`).set('Accept-Language', 'en').expect(200)).text;
    expect(page).to.contain('Requests and calendars').and.contain('Consultation').and.not.contain('>Draft<');
    const csrf = csrfFrom(page);
    const refused = await staff
      .post(`${ADMIN}/catalogue/request-types`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: csrf, name: 'Website change', becomes: 'ticket', ticketType: 'REQUEST', questions: 'What | colour', active: 'on' })
      .expect(400);
    expect(refused.text).to.contain('Give each question one of the types').and.contain('What | colour');
    const german = await staff
      .post(`${ADMIN}/catalogue/request-types`)
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrf, name: '', becomes: 'ticket', questions: '' })
      .expect(400);
    expect(german.text).to.contain('Geben Sie einen Namen mit höchstens 120 Zeichen ein.');
    const created = await staff
      .post(`${ADMIN}/catalogue/request-types`)
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Website change',
        description: 'Tell us what to change',
        becomes: 'ticket',
        ticketType: 'REQUEST',
        questions: 'What should change | textarea | required\nWhich pages | multiselect | Home, Shop\nScreenshot | file',
        active: 'on',
      })
      .expect(303);
    expect(created.headers.location).to.equal(`${ADMIN}/catalogue?notice=created`);
    const [definition] = await adapter.requests!.definitions('1', String(host.seed.companies.bakery), String(host.seed.contacts.claire));
    expect(definition).to.include({ name: 'Website change', kind: 'general', description: 'Tell us what to change' });
    expect(definition!.fields.map((f) => `${f.key}:${f.type}:${f.required}`)).to.deep.equal([
      'q1:textarea:true',
      'q2:multiselect:false',
      'q3:file:false',
    ]);
    expect(definition!.fields[1]!.options).to.deep.equal([
      { value: 'c1', label: 'Home' },
      { value: 'c2', label: 'Shop' },
    ]);
    const row = await host.db('portal_dolibarr_request_types').where({ entity: 1 }).first();
    expect(row.ticket_type).to.equal('REQUEST');
    const edit = (await staff.get(`${ADMIN}/catalogue/request-types/${row.id}`).expect(200)).text;
    expect(edit).to.contain('Which pages | multiselect | Home, Shop');
    await staff
      .post(`${ADMIN}/catalogue/request-types/${row.id}`)
      .type('form')
      .send({ _csrf: csrfFrom(edit), name: 'Print quote', becomes: 'proposal', questions: 'Copies | number | required' })
      .expect(303);
    expect(await adapter.requests!.definitions('1', String(host.seed.companies.bakery), String(host.seed.contacts.claire))).to.deep.equal(
      [],
    );
    expect((await host.db('portal_dolibarr_request_types').where({ id: row.id }).first()).becomes).to.equal('proposal');
    await staff.get(`${ADMIN}/catalogue/request-types/999999`).expect(404);
    await staff
      .post(`${ADMIN}/catalogue/request-types/999999`)
      .type('form')
      .send({ _csrf: csrf, name: 'X', becomes: 'proposal' })
      .expect(404);
  });

  it('sets a calendar’s hours, which the binding then offers; a draft calendar is 404', async function () {
    const page = (await staff.get(`${ADMIN}/catalogue`).expect(200)).text;
    const csrf = csrfFrom(page);
    expect(await adapter.appointments!.services('1', String(host.seed.companies.bakery))).to.deep.equal([]);
    const hours = {
      _csrf: csrf,
      opens_1: '09:00',
      closes_1: '12:00',
      opens_2: '14:00',
      closes_2: '18:00',
      timeZone: 'Europe/Paris',
      minutes: '30',
      noticeHours: '2',
      horizonDays: '14',
    };
    const refused = await staff
      .post(`${ADMIN}/catalogue/calendars/${calendar}`)
      .type('form')
      .send({ ...hours, closes_2: '13:00' })
      .expect(400);
    expect(refused.text).to.contain('Give each open day both an opening and a later closing time.');
    expect(
      (
        await staff
          .post(`${ADMIN}/catalogue/calendars/${calendar}`)
          .type('form')
          .send({ ...hours, timeZone: 'Mars/Base' })
          .expect(400)
      ).text,
    ).to.contain('Enter a time zone such as Europe/Berlin.');
    await staff.post(`${ADMIN}/catalogue/calendars/${calendar}`).type('form').send(hours).expect(303);
    expect(await adapter.appointments!.services('1', String(host.seed.companies.bakery))).to.deep.equal([
      { id: String(calendar), name: 'Consultation', minutes: 30 },
    ]);
    const saved = await host.db('portal_dolibarr_calendars').where({ fk_bookcal_calendar: calendar }).first();
    expect(saved).to.include({ time_zone: 'Europe/Paris', minutes: 30, notice_minutes: 120, horizon_days: 14, event_type: 'AC_RDV' });
    expect(saved.hours).to.deep.equal([
      { weekday: 1, opens: '09:00', closes: '12:00' },
      { weekday: 2, opens: '14:00', closes: '18:00' },
    ]);
    const shown = (await staff.get(`${ADMIN}/catalogue`).expect(200)).text;
    expect(shown).to.contain('value="14:00"').and.contain('Europe/Paris');
    await staff.post(`${ADMIN}/catalogue/calendars/${draft}`).type('form').send(hours).expect(404);
    await staff.post(`${ADMIN}/catalogue/calendars/abc`).type('form').send(hours).expect(404);
  });
});
