// The appointments section over HTTP against the reference CRM: a client books a free time from
// the agency's hours in their own time zone, follows it and cancels it (a confirmation step, PRG);
// another company never sees it; the section's switch and permission (404 when off); the activity
// log the agency is notified from; forms refused with a reason (4xx). Two clients asking for one
// time at once: exactly one gets it, the others are told "That time has just been taken; pick
// another" (409) with the form as they sent it, and the CRM holds one booking. One person holds at
// most three bookings waiting for the agency and books at most ten times a day (429, the form kept).
// The form opens on the first day with free times, offers "Ask for this time" only on a day with
// times to ask for, and links a day without any to the next day that has some.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import { addDays, dayInZone, wallTimeToInstant } from '../../../core/time/zoned-days.ts';
import { BOOKING_LIMITS } from '../limits.ts';

/** A weekday at least three days ahead, in the agency's zone (the demo's hours are Monday to Friday). */
function nextWorkday(): string {
  let day = addDays(dayInZone(new Date(), 'Europe/Berlin'), 3);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
  return day;
}

describe('client appointments', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let consultation: number;
  const day = nextWorkday();

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  const formPage = async (agent: typeof maria) =>
    (await agent.get(`/portal/demo/appointments/new?serviceId=${consultation}&day=${day}`).expect(200)).text;
  const book = (agent: typeof maria, csrf: string, startsAt: Date, note = '') =>
    agent
      .post('/portal/demo/appointments')
      .type('form')
      .send({ _csrf: csrf, serviceId: String(consultation), day, startsAt: startsAt.toISOString(), note });

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    consultation = (await h.crm.db('appointment_services').where({ workspace_id: workspaceId, name: 'Consultation' }).first('id')).id;
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await setSettings({ show_appointments: true });
  });
  afterEach(async function () {
    await h.crm.db('appointments').where({ workspace_id: workspaceId }).delete();
    await h.crm.db('portal_rate_limits').where('key', 'like', 'booking:%').delete();
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('is a 404 while the section is off, and has no navigation entry', async function () {
    await setSettings({ show_appointments: false });
    await maria.get('/portal/demo/appointments').expect(404);
    await maria.get('/portal/demo/appointments/new').expect(404);
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    expect(home).to.not.contain('/portal/demo/appointments"');
  });

  it("offers the day's free times in the client's time zone, books one and follows it to a cancellation", async function () {
    const form = await formPage(maria);
    const ten = wallTimeToInstant(day, '10:00', 'Europe/Berlin');
    // Maria has no zone of her own and her browser says none: the workspace's default (UTC here).
    expect(form).to.contain(`value="${ten.toISOString()}"`);
    expect(form, 'lunch is not offered').to.not.contain(`value="${wallTimeToInstant(day, '12:00', 'Europe/Berlin').toISOString()}"`);
    const created = await book(maria, csrfFrom(form), ten, 'About the <b>new</b> shop').expect(303);
    const url = created.headers.location as string;
    expect(url).to.match(/^\/portal\/demo\/appointments\/\d+$/);
    const page = (await maria.get(url).expect(200)).text;
    expect(page).to.contain('Consultation').and.contain('Waiting for the agency');
    expect(page, 'the note is escaped').to.contain('About the &lt;b&gt;new&lt;/b&gt; shop');
    // The time is no longer offered to anyone.
    expect(await formPage(priya)).to.not.contain(`value="${ten.toISOString()}"`);
    // Listed for the company, never for another.
    expect((await maria.get('/portal/demo/appointments').expect(200)).text).to.contain(url);
    expect((await priya.get('/portal/demo/appointments').expect(200)).text).to.not.contain(url);
    await priya.get(url).expect(404);
    await priya.get(`${url}/cancel`).expect(404);
    // The act is in the activity log, which the agency's notifications are built from.
    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'appointment.requested' });
    expect(logged).to.have.length(1);
    expect(logged[0].details).to.include({ service: 'Consultation', startsAt: ten.toISOString() });

    // Cancelling: a confirmation step, then a POST that redirects back.
    const confirm = (await maria.get(`${url}/cancel`).expect(200)).text;
    expect(confirm).to.contain('Cancel this appointment?');
    await maria
      .post(`${url}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm) })
      .expect(303)
      .expect('Location', url);
    expect((await maria.get(url).expect(200)).text).to.contain('Cancelled');
    const row = await h.crm.db('appointments').where({ workspace_id: workspaceId }).first('status', 'sequence');
    expect(row).to.deep.equal({ status: 'cancelled', sequence: 1 });
    await maria
      .post(`${url}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm) })
      .expect(409);
    expect(
      await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'appointment.cancelled' }),
    ).to.have.length(1);
    // The time is free again.
    expect(await formPage(priya)).to.contain(`value="${ten.toISOString()}"`);
  });

  it("shows the times in the person's own zone", async function () {
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first('id');
    await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), id: user.id })
      .update({ time_zone: 'America/New_York' });
    try {
      // 10:00 in Berlin is 04:00 or 05:00 in New York, on the same day.
      const ten = wallTimeToInstant(day, '10:00', 'Europe/Berlin');
      const local = new Intl.DateTimeFormat('en', { timeStyle: 'short', timeZone: 'America/New_York' }).format(ten);
      const form = await formPage(maria);
      expect(form).to.contain('America/New_York').and.contain(`value="${ten.toISOString()}"`);
      expect(form).to.contain(local);
      await book(maria, csrfFrom(form), ten).expect(303);
      const row = await h.crm.db('appointments').where({ workspace_id: workspaceId }).first('time_zone');
      expect(row.time_zone).to.equal('America/New_York');
    } finally {
      await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), id: user.id })
        .update({ time_zone: null });
    }
  });

  it('gives one time to exactly one of the clients asking for it at once', async function () {
    this.timeout(30_000);
    const eleven = wallTimeToInstant(day, '11:00', 'Europe/Berlin');
    const [mariaForm, priyaForm] = await Promise.all([formPage(maria), formPage(priya)]);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0 ? book(maria, csrfFrom(mariaForm), eleven, `maria ${i}`) : book(priya, csrfFrom(priyaForm), eleven, `priya ${i}`),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).to.deep.equal([303, 409, 409, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.text).to.contain('That time has just been taken; pick another');
      // The form as sent: the note kept, the service and day chosen.
      expect(refused.text).to.match(/(maria|priya) \d<\/textarea>/);
      expect(refused.text).to.contain(`name="day" value="${day}"`);
    }
    const rows = await h.crm.db('appointments').where({ workspace_id: workspaceId, starts_at: eleven });
    expect(rows).to.have.length(1);
  });

  it('shows what is coming on the dashboard, in the reader’s zone, with a way to book', async function () {
    const none = (await maria.get('/portal/demo/').expect(200)).text;
    expect(none).to.contain('No appointments coming up.').and.contain('href="/portal/demo/appointments/new"');
    const ten = wallTimeToInstant(day, '10:00', 'Europe/Berlin');
    const url = (await book(maria, csrfFrom(await formPage(maria)), ten).expect(303)).headers.location as string;
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    const time = new Intl.DateTimeFormat('en', { timeStyle: 'short', timeZone: 'UTC' }).format(ten);
    expect(home).to.contain(`href="${url}"`).and.contain('Waiting for the agency').and.contain(time);
    // Another company's dashboard does not show it; a cancelled one leaves Maria's.
    expect((await priya.get('/portal/demo/').expect(200)).text).to.not.contain(`href="${url}"`);
    // Cancelled in the CRM, which reports it as its appointment page does.
    const cancelled = await h.crm
      .db('appointments')
      .where({ workspace_id: workspaceId })
      .update({ status: 'cancelled' })
      .returning(['id', 'client_id']);
    for (const row of cancelled)
      await h.crm.portal.hostRecordChanged({
        workspaceId: String(workspaceId),
        clientId: String(row.client_id),
        kind: 'appointment',
        id: String(row.id),
      });
    expect((await maria.get('/portal/demo/').expect(200)).text).to.not.contain(`href="${url}"`);
    // Switched off: no card, no action.
    await setSettings({ show_appointments: false });
    const off = (await maria.get('/portal/demo/').expect(200)).text;
    expect(off).to.not.contain('widget-appointments').and.not.contain('/portal/demo/appointments/new');
  });

  it('opens on the first day with free times, and links a day without any to the next with some', async function () {
    const today = dayInZone(new Date(), 'UTC');
    const open = addDays(today, 3);
    const isoWeekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() || 7;
    const hours = await h.crm.db('appointment_hours').where({ workspace_id: workspaceId }).select('weekday', 'opens_at', 'closes_at');
    // The agency opens one day a week: three days from now.
    await h.crm.db('appointment_hours').where({ workspace_id: workspaceId }).delete();
    await h.crm
      .db('appointment_hours')
      .insert({ workspace_id: workspaceId, weekday: isoWeekday(open), opens_at: '09:00', closes_at: '12:00' });
    try {
      const first = (await maria.get('/portal/demo/appointments/new').expect(200)).text;
      expect(first).to.contain(`id="appointment-day" name="day" type="date" value="${open}"`);
      expect(first).to.contain(`value="${wallTimeToInstant(open, '10:00', 'Europe/Berlin').toISOString()}"`);
      expect(first).to.contain('Ask for this time');

      // A day without times: nothing to ask for, and the way on to the next day with some.
      const closed = addDays(open, 1);
      const none = (await maria.get(`/portal/demo/appointments/new?serviceId=${consultation}&day=${closed}`).expect(200)).text;
      expect(none).to.contain('No free times on this day').and.not.contain('Ask for this time');
      const nextWeek = addDays(open, 7);
      expect(none).to.contain(
        `<a id="appointment-next-day" href="/portal/demo/appointments/new?serviceId=${consultation}&amp;day=${nextWeek}">Next day with free times:`,
      );
      // The slots fragment brings the buttons with it, out of band, as the day changes.
      const fragment = (
        await maria.get(`/portal/demo/appointments/slots?serviceId=${consultation}&day=${closed}`).set('HX-Request', 'true').expect(200)
      ).text;
      expect(fragment).to.contain('id="appointment-actions" hx-swap-oob="true"').and.not.contain('Ask for this time');
      const withTimes = (
        await maria.get(`/portal/demo/appointments/slots?serviceId=${consultation}&day=${open}`).set('HX-Request', 'true').expect(200)
      ).text;
      expect(withTimes).to.contain('Ask for this time');
    } finally {
      await h.crm.db('appointment_hours').where({ workspace_id: workspaceId }).delete();
      await h.crm.db('appointment_hours').insert(hours.map((row) => ({ workspace_id: workspaceId, ...row })));
    }
  });

  it('refuses what is not a free time with a reason, never a 500', async function () {
    const csrf = csrfFrom(await formPage(maria));
    // Three at night is not in the agency's hours.
    const night = (await book(maria, csrf, wallTimeToInstant(day, '03:00', 'Europe/Berlin')).expect(400)).text;
    expect(night).to.contain('That time is not one we offer');
    // Not a time at all, no service, a day that does not exist, another workspace's service.
    const bad = await maria
      .post('/portal/demo/appointments')
      .type('form')
      .send({ _csrf: csrf, serviceId: String(consultation), day, startsAt: 'tomorrow' })
      .expect(400);
    expect(bad.text).to.contain('Choose one of the free times');
    await maria
      .post('/portal/demo/appointments')
      .type('form')
      .send({ _csrf: csrf, serviceId: '', day, startsAt: new Date().toISOString() })
      .expect(400);
    await maria
      .post('/portal/demo/appointments')
      .type('form')
      .send({ _csrf: csrf, serviceId: String(consultation), day: '2027-02-30', startsAt: new Date().toISOString() })
      .expect(400);
    await maria
      .post('/portal/demo/appointments')
      .type('form')
      .send({ _csrf: csrf, serviceId: '999999', day, startsAt: wallTimeToInstant(day, '10:00', 'Europe/Berlin').toISOString() })
      .expect(400);
    await maria.get('/portal/demo/appointments/new?day=nope').expect(400);
    await maria.get('/portal/demo/appointments?tab=nope').expect(400);
    await maria.get('/portal/demo/appointments/abc%20def').expect(404);
    expect(await h.crm.db('appointments').where({ workspace_id: workspaceId })).to.have.length(0);
  });

  it('holds one person to three bookings waiting for the agency, and to ten bookings a day', async function () {
    this.timeout(30_000);
    const at = (time: string) => wallTimeToInstant(day, time, 'Europe/Berlin');
    const csrf = csrfFrom(await formPage(maria));
    for (const time of ['09:00', '10:00', '11:00']) await book(maria, csrf, at(time)).expect(303);
    const refused = (await book(maria, csrf, at('14:00'), 'a fourth').expect(429)).text;
    expect(refused).to.contain('id="appointment-limit"').and.contain('You already have 3 bookings waiting for our answer');
    expect(refused, 'the form as sent').to.contain('a fourth</textarea>');
    expect(await h.crm.db('appointments').where({ workspace_id: workspaceId })).to.have.length(3);
    // A colleague's company is another's: Priya books as usual.
    await book(priya, csrfFrom(await formPage(priya)), at('14:00')).expect(303);

    // Once the agency answers one, Maria may book again.
    const first = await h.crm
      .db('appointments')
      .where({ workspace_id: workspaceId, starts_at: at('09:00') })
      .first('id', 'client_id');
    await h.crm.db('appointments').where({ id: first.id }).update({ status: 'confirmed' });
    await book(maria, csrf, at('15:00')).expect(303);

    // Booking and cancelling in a loop is held by the day's budget: ten booking acts in all.
    await h.crm.db('appointments').where({ workspace_id: workspaceId }).update({ status: 'cancelled' });
    const spent = 4; // the four bookings above; the one refused for waiting ones spent nothing
    for (let i = spent; i < BOOKING_LIMITS.bookingsPerPerson.points; i += 1) {
      await book(maria, csrf, at('16:00')).expect(303);
      await h.crm.db('appointments').where({ workspace_id: workspaceId, status: 'pending' }).update({ status: 'cancelled' });
    }
    const overBudget = await book(maria, csrf, at('16:00')).expect(429);
    expect(overBudget.text).to.contain('You have booked many times today');
    expect(Number(overBudget.headers['retry-after'])).to.be.within(1, BOOKING_LIMITS.bookingsPerPerson.blockSeconds);
    expect(await h.crm.db('appointments').where({ workspace_id: workspaceId, status: 'pending' })).to.have.length(0);
  });
});
