// Round trips per request for the requests, appointments and catalogue pages beside a real Dolibarr
// (Ticket and BookCal modules): counted as knex query events on the binding's connection, first
// with a few records, then with many more requests (proposals and tickets with the agency's
// answers), bookings and request types. The count must not grow with the data, and stays under a
// budget per page.
import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Readable } from 'node:stream';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { saveRequestType } from '../../plugins/dolibarr/queries/requests.ts';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import type { Appointment } from '../../src/features/appointments/port.ts';
import { dayInZone } from '../../src/core/time/zoned-days.ts';
import type { RequestUpload } from '../../src/features/requests/port.ts';
import {
  insertTicketInstallRows,
  knowledgeModuleUnavailable,
  servePortalBeside,
  startDolibarrHost,
  type DolibarrHost,
  insertBookingCalendar,
  insertMeetingType,
} from '../dolibarr/dolibarr-host.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

const reason = knowledgeModuleUnavailable();
const HOUR = 3_600_000;
const ADMIN = '/settings/client-portal';

describe('dolibarr requests and appointments query budgets', function () {
  this.timeout(240_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let server: Server;
  let claire: ReturnType<typeof request.agent>;
  let staff: ReturnType<typeof request.agent>;
  let adapter: ReturnType<typeof createDolibarrAdapter>;
  let calendar: number;
  let quoteType: string;
  let ticketType: string;
  let trips: RoundTripCounter | undefined;
  let budgets: Record<string, number>;
  let booked = 0;

  const book = async () => {
    const now = new Date();
    const slots = (await adapter.appointments!.freeSlots('1', String(calendar), now, new Date(now.getTime() + 20 * 24 * HOUR), now))!;
    const slot = slots[booked++ * 3]!;
    return (await adapter.appointments!.request(
      '1',
      String(host.seed.companies.bakery),
      String(host.seed.contacts.claire),
      { serviceId: String(calendar), startsAt: slot.startsAt, note: 'Budget', timeZone: 'Europe/Paris' },
      now,
    )) as Appointment;
  };
  const ask = (definitionId: string, answers: Record<string, unknown>, files: RequestUpload[] = []) =>
    adapter.requests!.submit('1', String(host.seed.companies.bakery), String(host.seed.contacts.claire), {
      definitionId,
      answers: answers as Record<string, string>,
      ...(files.length ? { files } : {}),
    });
  /** A file sent with a quote request, kept by Dolibarr among the proposal's documents. */
  const artwork = (name: string): RequestUpload => {
    const bytes = Buffer.from(`%PDF-1.4 ${name}`);
    return { name, contentType: 'application/pdf', sizeBytes: bytes.length, fieldKey: 'art', open: async () => Readable.from([bytes]) };
  };

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true, knowledgeModule: true, portalTables: true });
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    await insertMeetingType(db);
    calendar = await insertBookingCalendar(host, { opens: '08:00', closes: '20:00', minutes: 30 });
    const field = [{ key: 'q1', type: 'text', label: 'What', help: null, required: false }];
    quoteType = String(
      await saveRequestType(db, {
        entity: 1,
        name: 'Quote',
        description: '',
        fields: [...field, { key: 'art', type: 'file', label: 'Artwork', help: null, required: false }],
        becomes: 'proposal',
        ticketType: null,
        position: 0,
        active: true,
      }),
    );
    ticketType = String(
      await saveRequestType(db, {
        entity: 1,
        name: 'Change',
        description: '',
        fields: field,
        becomes: 'ticket',
        ticketType: 'REQUEST',
        position: 1,
        active: true,
      }),
    );
    adapter = createDolibarrAdapter(db, {
      workspaceSlug: seed.workspaceSlug,
      dataRoot: host.dataRoot,
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
    running = await servePortalBeside(host, adapter);
    const app = express();
    app.use(ADMIN, running.portal.adminRouter);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    staff = request.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', show_requests: true, show_appointments: true, show_tickets: true })
      .onConflict('workspace_id')
      .merge();
    await running.portal.workspaceChanged('1');
    const password = 'Budget-portal-2026';
    await insertClientUser(db, {
      workspaceId: '1',
      clientId: String(seed.companies.bakery),
      contactId: String(seed.contacts.claire),
      email: 'claire@martin.example',
      status: 'active',
      passwordHash: await hashPassword(password),
    });
    claire = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password });
    const quote = await ask(quoteType, { q1: 'first', art: ['first.pdf'] }, [artwork('first.pdf')]);
    await ask(ticketType, { q1: 'first' });
    const appointment = await book();
    // A day well past the bookings made here (they fill the next two days at most), so it has free
    // times whatever the hour the suite runs: a day without any also reads the next one that has some.
    const day = dayInZone(new Date(Date.now() + 5 * 24 * HOUR), 'Europe/Paris');
    const base = `/portal/${seed.workspaceSlug}`;
    // On the binding's connection (the session and the portal's own reads of it included).
    budgets = {
      // The session's person, and the request types.
      [`${base}/requests`]: 2,
      // The session's person, the page of requests with their records, the agency's answers on its tickets.
      [`${base}/requests/mine`]: 3,
      // The session's person, the request with its record, the portal's files, and the files
      // Dolibarr keeps among the record's documents (one statement from the request): one more
      // than without a writable data root, since a request sent before it was writable keeps its
      // files in the portal and the page lists both. No thread is read: Dolibarr has no page where
      // the agency answers one (ServiceRequestsPort.staffReadsThread).
      [`${base}/requests/mine/${quote!.id}`]: 4,
      // The session's person, the page of bookings with their events.
      [`${base}/appointments`]: 2,
      [`${base}/appointments/${appointment.id}`]: 2,
      // The session's person, the calendars, the calendar and its standing events.
      [`${base}/appointments/new?serviceId=${calendar}&day=${day}`]: 4,
      // The request types, the ticket types, the calendars with their hours.
      [`${ADMIN}/catalogue`]: 3,
    };
    trips = countRoundTrips(db);
  });
  after(async function () {
    trips?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  const roundTrips = (url: string) => trips!.get(url.startsWith(ADMIN) ? staff : claire, url);

  it('stays within budget, and does not grow with requests, answers, bookings and request types', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets)) before[url] = await roundTrips(url);
    for (let i = 0; i < 12; i++) {
      await ask(quoteType, { q1: `quote ${i}`, art: [`quote-${i}.pdf`] }, [artwork(`quote-${i}.pdf`)]);
      const sent = await ask(ticketType, { q1: `change ${i}` });
      const link = await host.db('portal_dolibarr_requests').where({ id: sent!.id }).first('fk_element');
      await host.db('llx_actioncomm').insert({
        ref: `m${i}`,
        entity: 1,
        code: 'TICKET_MSG',
        label: 'answer',
        note: `<p>Answer ${i}</p>`,
        datec: host.db.fn.now(),
        datep: host.db.fn.now(),
        fk_user_author: host.seed.users.staff,
        elementtype: 'ticket',
        fk_element: link.fk_element,
        percent: -1,
      });
      await book();
      await saveRequestType(host.db, {
        entity: 1,
        name: `Type ${i}`,
        description: '',
        fields: [],
        becomes: 'proposal',
        ticketType: null,
        position: 5,
        active: true,
      });
    }
    const after: Record<string, number> = {};
    for (const url of Object.keys(budgets)) after[url] = await roundTrips(url);
    expect(after).to.deep.equal(before);
    for (const [url, budget] of Object.entries(budgets)) expect(after[url], url).to.be.at.most(budget);
  });
});
