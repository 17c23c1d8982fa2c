// The reference CRM's appointments set-up over HTTP: staff list, add, change and withdraw the
// services clients book (names in German and French beside the agency's own), and write the week's
// opening hours with several ranges a day. Refused forms say why (400; a name in use 409) and write
// nothing; a form without the CSRF token is refused (403); another workspace's service is not found.
// Once staff change the hours, the client's booking form in the portal offers the new times only.
import { expect } from 'chai';
import { csrfFrom, signedInDemoClient, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { addDays, dayInZone, wallTimeToInstant } from '../../src/core/time/zoned-days.ts';
import { textOf } from './support.ts';

type Agent = Awaited<ReturnType<typeof signedInStaffAgent>>;

/** A weekday at least three days ahead, in the agency's zone (the demo's hours are Monday to Friday). */
function nextWorkday(): string {
  let day = addDays(dayInZone(new Date(), 'Europe/Berlin'), 3);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
  return day;
}

describe('reference CRM: appointment services and opening hours', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let staff: Agent;
  let workspaceId: number;

  const post = async (agent: Agent, page: string, action: string, form: Record<string, string>) => {
    const csrf = csrfFrom((await agent.get(page).expect(200)).text);
    return agent
      .post(action)
      .type('form')
      .send({ _csrf: csrf, ...form });
  };
  const services = () => h.crm.db('appointment_services').where({ workspace_id: workspaceId }).orderBy('id');
  const hours = () =>
    h.crm
      .db('appointment_hours')
      .where({ workspace_id: workspaceId })
      .orderBy(['weekday', 'opens_at'])
      .select('weekday', h.crm.db.raw("to_char(opens_at, 'HH24:MI') as opens"), h.crm.db.raw("to_char(closes_at, 'HH24:MI') as closes"));

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
  });

  it('links the set-up screens from Settings', async function () {
    const settings = (await staff.get('/settings').expect(200)).text;
    expect(settings).to.contain('href="/settings/services"').and.contain('href="/settings/opening-hours"');
  });

  it('lists the services, adds one with its names in German and French, and withdraws it', async function () {
    const list = textOf((await staff.get('/settings/services').expect(200)).text);
    expect(list).to.contain('Consultation').and.contain('Beratung').and.contain('30 min').and.contain('Offered');

    const added = await post(staff, '/settings/services/new', '/settings/services', {
      name: 'Strategy day',
      nameDe: 'Strategietag',
      nameFr: 'Journée stratégique',
      duration: '240',
      bookable: 'on',
    });
    expect(added.status, added.text).to.equal(303);
    expect(added.headers.location).to.equal('/settings/services');
    const row = (await services()).find((s) => s.name === 'Strategy day');
    expect(row).to.include({ duration_minutes: 240, bookable: true });
    expect(row.names).to.deep.equal({ de: 'Strategietag', fr: 'Journée stratégique' });

    const edit = (await staff.get(`/settings/services/${row.id}`).expect(200)).text;
    expect(edit)
      .to.contain('value="Strategietag"')
      .and.contain('value="240"')
      .and.match(/id="bookable"[^>]* checked/);
    // Withdrawn: the checkbox left clear; the French name taken away.
    const saved = await post(staff, `/settings/services/${row.id}`, `/settings/services/${row.id}`, {
      name: 'Strategy day',
      nameDe: 'Strategietag',
      nameFr: '',
      duration: '240',
    });
    expect(saved.status, saved.text).to.equal(303);
    const after = await h.crm.db('appointment_services').where({ workspace_id: workspaceId, id: row.id }).first();
    expect(after).to.include({ bookable: false });
    expect(after.names).to.deep.equal({ de: 'Strategietag' });
    expect(textOf((await staff.get('/settings/services').expect(200)).text)).to.match(/Strategy day Strategietag 240 min Withdrawn/);
  });

  it('refuses a service without a name, of a length out of range, or with a name in use, and says why', async function () {
    const before = await services();
    const empty = await post(staff, '/settings/services/new', '/settings/services', { name: ' ', duration: '3' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.contain('Enter the name clients book it by.').and.contain('Enter the length in whole minutes, from 5 to 480');
    const long = await post(staff, '/settings/services/new', '/settings/services', { name: 'Long', duration: '600' });
    expect(long.status).to.equal(400);
    const taken = await post(staff, '/settings/services/new', '/settings/services', { name: 'Workshop', duration: '60' });
    expect(taken.status).to.equal(409);
    expect(taken.text).to.contain('Another service already has this name.').and.contain('value="60"');
    expect(await services()).to.deep.equal(before);
  });

  it('refuses a form without the CSRF token, and does not find another workspace’s service', async function () {
    const consultation = (await services()).find((s) => s.name === 'Consultation');
    await staff.post(`/settings/services/${consultation.id}`).type('form').send({ name: 'Hijacked', duration: '30' }).expect(403);
    const acme = (await h.crm.db('workspaces').where({ slug: 'acme' }).first('id')).id;
    const theirs = await h.crm.db('appointment_services').where({ workspace_id: acme }).first('id');
    await staff.get(`/settings/services/${theirs.id}`).expect(404);
    const page = (await staff.get('/settings/services/new').expect(200)).text;
    await staff
      .post(`/settings/services/${theirs.id}`)
      .type('form')
      .send({ _csrf: csrfFrom(page), name: 'Hijacked', duration: '30' })
      .expect(404);
    expect((await h.crm.db('appointment_services').where({ workspace_id: acme, id: theirs.id }).first('name')).name).to.not.equal(
      'Hijacked',
    );
  });

  it('shows the week’s hours and saves several ranges a day', async function () {
    const original = await hours();
    const page = (await staff.get('/settings/opening-hours').expect(200)).text;
    expect(page).to.contain('value="09:00–12:00, 13:00–17:00"');
    const saved = await post(staff, '/settings/opening-hours', '/settings/opening-hours', {
      day1: '13:00-17:00, 9:00–12:00',
      day2: '08:30–12:30',
      day6: '10:00–14:00',
    });
    expect(saved.status, saved.text).to.equal(303);
    expect(await hours()).to.deep.equal([
      { weekday: 1, opens: '09:00', closes: '12:00' },
      { weekday: 1, opens: '13:00', closes: '17:00' },
      { weekday: 2, opens: '08:30', closes: '12:30' },
      { weekday: 6, opens: '10:00', closes: '14:00' },
    ]);
    expect((await staff.get('/settings/opening-hours?saved=1').expect(200)).text).to.contain('The opening hours are saved.');
    // Put back for the tests after.
    const back: Record<string, string> = {};
    for (const range of original)
      back[`day${range.weekday}`] = [back[`day${range.weekday}`], `${range.opens}–${range.closes}`].filter(Boolean).join(', ');
    expect((await post(staff, '/settings/opening-hours', '/settings/opening-hours', back)).status).to.equal(303);
    expect(await hours()).to.deep.equal(original);
  });

  it('refuses overlapping, inverted and unreadable ranges with a message, and keeps the hours', async function () {
    const before = await hours();
    const refused = await post(staff, '/settings/opening-hours', '/settings/opening-hours', {
      day1: '09:00–12:00, 11:00–15:00',
      day2: '17:00–09:00',
      day3: 'mornings',
    });
    expect(refused.status).to.equal(400);
    const text = textOf(refused.text);
    expect(text).to.contain('Monday: 09:00–12:00 and 11:00–15:00 overlap.');
    expect(text).to.contain('Tuesday: 17:00–09:00 closes before it opens.');
    expect(text).to.contain('Wednesday: “mornings” is not a range of times.');
    expect(refused.text, 'the form keeps what was sent').to.contain('value="09:00–12:00, 11:00–15:00"');
    expect(await hours()).to.deep.equal(before);
  });

  it('lets a member of staff set up too, as every other CRM screen does', async function () {
    const member = await signedInStaffAgent(h, 'demo', 'member');
    await member.get('/settings/services').expect(200);
    await member.get('/settings/opening-hours').expect(200);
  });

  it('offers the client the new times once staff change the hours', async function () {
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), show_appointments: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    const original = await hours();
    const consultation = (await services()).find((s) => s.name === 'Consultation');
    const maria = await signedInDemoClient(h, 'maria@northwind.test');
    const day = nextWorkday();
    const form = async () => (await maria.get(`/portal/demo/appointments/new?serviceId=${consultation.id}&day=${day}`).expect(200)).text;
    const at = (time: string) => `value="${wallTimeToInstant(day, time, 'Europe/Berlin').toISOString()}"`;
    const before = await form();
    expect(before).to.contain(at('10:00')).and.not.contain(at('18:00'));

    const evening = Object.fromEntries([1, 2, 3, 4, 5].map((weekday) => [`day${weekday}`, '18:00–19:30']));
    expect((await post(staff, '/settings/opening-hours', '/settings/opening-hours', evening)).status).to.equal(303);
    const after = await form();
    expect(after).to.contain(at('18:00')).and.contain(at('19:00')).and.not.contain(at('10:00'));
    expect(after, 'a 30-minute consultation must end by 19:30').to.not.contain(at('19:30'));

    await h.crm.db.transaction(async (trx) => {
      await trx('appointment_hours').where({ workspace_id: workspaceId }).delete();
      await trx('appointment_hours').insert(
        original.map((r) => ({ workspace_id: workspaceId, weekday: r.weekday, opens_at: r.opens, closes_at: r.closes })),
      );
    });
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });
});
