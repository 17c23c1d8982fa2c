// Round trips per request for the appointments pages (the list, each tab, the booking form with a
// day's free times, the slots fragment, an appointment's page, its cancel step and a confirmed one's .ics download and its form asking for another time): counted as
// knex query events on the app's connection, first with one appointment, then with a hundred more
// and more services. The count must not grow with the data, and stays under a budget.
import { expect } from 'chai';
import { addDays, dayInZone, wallTimeToInstant } from '../../src/core/time/zoned-days.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { forgetKeptDashboards } from '../support/kept-dashboards.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('appointments query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let appointmentUrl: string;
  let confirmedUrl: string;
  let day: string;
  let newUrl: string;
  let trips: RoundTripCounter;
  // The session, its person and the workspace come from caches once warm: the list is one read, an
  // appointment one; the free times are the services, then the service, the booking rules, the
  // hours and the standing bookings of the day.
  const budgets = (): Record<string, number> => ({
    // As after a change: what is kept, the reads kept and the unread messages (the host's one
    // statement, with the coming appointments, is read together, on the pool, which this count
    // does not see).
    '/portal/demo/': 3,
    '/portal/demo/appointments': 1,
    '/portal/demo/appointments?tab=past': 1,
    [newUrl]: 5,
    [newUrl.replace('/new', '/slots')]: 5,
    [appointmentUrl]: 1,
    [`${appointmentUrl}/cancel`]: 1,
    // The .ics download of a confirmed one: the appointment (the address is the app's own).
    [`${confirmedUrl}/calendar`]: 1,
    // Asking for another time: the appointment, then the booking form's reads of its service's day.
    [`${confirmedUrl}/reschedule?day=${day}`]: 6,
  });

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    const db = h.crm.db;
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), show_appointments: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const contact = await db('contacts').where({ workspace_id: workspace.id, email: login.email }).first('id', 'client_id');
    const service = await db('appointment_services').where({ workspace_id: workspace.id, name: 'Consultation' }).first('id');
    day = addDays(dayInZone(new Date(), 'Europe/Berlin'), 3);
    while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
    const startsAt = wallTimeToInstant(day, '10:00', 'Europe/Berlin');
    const [row] = await db('appointments')
      .insert({
        workspace_id: workspace.id,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: service.id,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 30 * 60_000),
        time_zone: 'Europe/Berlin',
      })
      .returning('id');
    appointmentUrl = `/portal/demo/appointments/${row.id}`;
    const confirmedAt = new Date(startsAt.getTime() + 60 * 60_000);
    const [confirmed] = await db('appointments')
      .insert({
        workspace_id: workspace.id,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: service.id,
        starts_at: confirmedAt,
        ends_at: new Date(confirmedAt.getTime() + 30 * 60_000),
        time_zone: 'Europe/Berlin',
        status: 'confirmed',
      })
      .returning('id');
    confirmedUrl = `/portal/demo/appointments/${confirmed.id}`;
    newUrl = `/portal/demo/appointments/new?serviceId=${service.id}&day=${day}`;
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  /** A page's round trips; the dashboard's kept reads forgotten after the warm-up, so it reads them again. */
  const roundTrips = (url: string) => trips.get(agent, url, url === '/portal/demo/' ? () => forgetKeptDashboards(h.crm.db) : undefined);

  it('stays within budget, and does not grow with the number of appointments and services', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets())) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const contact = await db('contacts').where({ workspace_id: workspace.id, email: 'maria@northwind.test' }).first('id', 'client_id');
    const service = await db('appointment_services').where({ workspace_id: workspace.id, name: 'Consultation' }).first('id');
    for (let i = 0; i < 10; i++)
      await db('appointment_services').insert({ workspace_id: workspace.id, name: `Extra service ${i}`, duration_minutes: 45 });
    // A hundred more, past and coming up, each an hour apart.
    const rows = Array.from({ length: 100 }, (_, i) => {
      const startsAt = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 * (i % 2 === 0 ? 1 : 500));
      return {
        workspace_id: workspace.id,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: service.id,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 30 * 60_000),
        time_zone: 'Europe/Berlin',
        status: i % 3 === 0 ? 'cancelled' : 'confirmed',
      };
    });
    await db('appointments').insert(rows);
    for (const [url, budget] of Object.entries(budgets())) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });
});
