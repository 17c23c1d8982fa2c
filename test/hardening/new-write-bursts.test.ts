// Every write route added with the set-up screens, the appointment offers and rescheduling, the
// sign-in language, "Was this helpful?", kept request files, order confirmation and the tasks a
// host may not record, a request's thread, asks for more hours and a line's allowance, pressed as a double click pressed forty times: forty POSTs at once, on the
// reference CRM booted as `npm start` boots it (its pool and database bounds). Each answers as the
// one before it left things (a 303 for the first, a 409 in words for what can happen once, the
// same 303 for what may be said again), never a 5xx; the database holds what one or each of them
// made (never a half or a double); and another company's client and another staff page are
// answered meanwhile, so no pooled connection is left waiting on the burst. A form near the size
// limit is answered in words (4xx) and changes nothing.
import { expect } from 'chai';
import type { Response } from 'supertest';
import { databaseBoundsFrom } from '../../src/index.ts';
import { addDays, dayInZone, wallTimeToInstant } from '../../src/core/time/zoned-days.ts';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

const FORTY = 40;
/** The reference CRM's form limit (plugins/reference-crm/app.ts) and the portal's (workspace-router.ts). */
const STAFF_FORM_LIMIT = 200 * 1024;
const CLIENT_FORM_LIMIT = 32 * 1024;

function nextWorkday(from: number): string {
  let day = addDays(dayInZone(new Date(), 'Europe/Berlin'), from);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
  return day;
}

describe('forty at once on each new write route, and forms near the size limit', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let staff: Agent;
  let maria: Agent;
  let priya: Agent;
  let workspaceId: number;
  let consultation: number;

  const login = (email: string) => demoLogin(h, email);
  const db = () => h.crm.db;

  /**
   * `count` POSTs sent at once, the i-th by `send(i)`; meanwhile another company's client reads its
   * invoices and staff read the appointments, each answered 200. The answers, in the order sent.
   */
  async function atOnce(send: (i: number) => Promise<Response>, count = FORTY): Promise<Response[]> {
    let bursting = true;
    const burst = Promise.all(Array.from({ length: count }, (_, i) => send(i))).finally(() => {
      bursting = false;
    });
    const meanwhile: number[] = [];
    const read = async () => {
      do meanwhile.push((await priya.get('/portal/demo/invoices')).status, (await staff.get('/appointments')).status);
      while (bursting);
    };
    const [answers] = await Promise.all([burst, read()]);
    expect(
      meanwhile.filter((s) => s !== 200),
      'pages read meanwhile',
    ).to.deep.equal([]);
    const failed = answers.filter((a) => a.status >= 500);
    expect(
      failed.map((a) => a.status),
      failed[0]?.text.slice(0, 300),
    ).to.deep.equal([]);
    return answers;
  }
  const statusesOf = (answers: Response[]) => answers.map((a) => a.status);
  /** One 303 and the rest 409, each 409 saying `refusal`. */
  const once = (answers: Response[], refusal: string | RegExp) => {
    const statuses = statusesOf(answers);
    expect(
      statuses.filter((s) => s === 303),
      `statuses: ${statuses.join(' ')}`,
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s !== 303 && s !== 409),
      `statuses: ${statuses.join(' ')}`,
    ).to.deep.equal([]);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.text).to.match(new RegExp(refusal));
  };
  const every303 = (answers: Response[]) => expect(statusesOf(answers).filter((s) => s !== 303)).to.deep.equal([]);
  const tokenOf = async (agent: Agent, page: string) => csrfFrom((await agent.get(page).expect(200)).text);
  const post = (agent: Agent, path: string, form: Record<string, string> | string) => agent.post(path).type('form').send(form);
  /** `field` filled so the whole form is `bytes` long. */
  const padded = (form: Record<string, string>, field: string, bytes: number) => {
    const rest = new URLSearchParams({ ...form, [field]: '' }).toString();
    return `${rest}${'a'.repeat(bytes - Buffer.byteLength(rest))}`;
  };

  /** A booking of Maria's, as her booking form makes it; its id. */
  async function booking(day: string, time: string, status = 'pending'): Promise<number> {
    const contact = await db()('contacts').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('id', 'client_id');
    const startsAt = wallTimeToInstant(day, time, 'Europe/Berlin');
    const [row] = await db()('appointments')
      .insert({
        workspace_id: workspaceId,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: consultation,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 30 * 60_000),
        time_zone: 'Europe/Berlin',
        status,
      })
      .returning('id');
    return row.id;
  }

  before(async function () {
    h = await startPortalHarness({ boot: { databaseBounds: databaseBoundsFrom({}) } });
    workspaceId = (await db()('workspaces').where({ slug: 'demo' }).first('id')).id;
    consultation = (await db()('appointment_services').where({ workspace_id: workspaceId, name: 'Consultation' }).first('id')).id;
    await db()('workspace_client_portal_settings')
      .insert({
        workspace_id: String(workspaceId),
        show_appointments: true,
        show_orders: true,
        show_requests: true,
        show_knowledge_base: true,
        show_contracts: true,
      })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    staff = await signedInStaffAgent(h, 'demo');
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  afterEach(async function () {
    await db()('appointments').where({ workspace_id: workspaceId }).delete();
    await db()('portal_rate_limits').delete();
  });

  describe('staff routes of the reference CRM', function () {
    it('POST /settings/services: one service of forty with one name, the rest 409', async function () {
      const token = await tokenOf(staff, '/settings/services/new');
      once(
        await atOnce(() => post(staff, '/settings/services', { _csrf: token, name: 'Burst service', duration: '30', bookable: 'on' })),
        'Another service already has this name',
      );
      expect(await db()('appointment_services').where({ workspace_id: workspaceId, name: 'Burst service' })).to.have.length(1);
      const near = await post(staff, '/settings/services', padded({ _csrf: token, duration: '30' }, 'name', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      const over = await post(staff, '/settings/services', padded({ _csrf: token, duration: '30' }, 'name', STAFF_FORM_LIMIT + 100));
      expect(over.status).to.equal(413);
      expect(await db()('appointment_services').where({ workspace_id: workspaceId }).where('name', 'like', 'aaaa%')).to.have.length(0);
    });

    it('POST /settings/services/:id: forty saves of one service, each the same 303', async function () {
      const path = `/settings/services/${consultation}`;
      const token = await tokenOf(staff, path);
      every303(await atOnce(() => post(staff, path, { _csrf: token, name: 'Consultation', duration: '45', bookable: 'on' })));
      expect((await db()('appointment_services').where({ id: consultation }).first('duration_minutes')).duration_minutes).to.equal(45);
      const near = await post(staff, path, padded({ _csrf: token, duration: '30' }, 'name', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      await post(staff, path, { _csrf: token, name: 'Consultation', duration: '30', bookable: 'on' }).expect(303);
    });

    it('POST /settings/opening-hours: forty weeks from four sessions leave one whole week, never two', async function () {
      const original = await db()('appointment_hours').where({ workspace_id: workspaceId }).orderBy(['weekday', 'opens_at']);
      const sessions = await Promise.all([1, 2, 3, 4].map(() => signedInStaffAgent(h, 'demo')));
      const tokens = await Promise.all(sessions.map((s) => tokenOf(s, '/settings/opening-hours')));
      const weeks: Array<Record<string, string>> = [
        { day1: '09:00–12:00, 13:00–17:00', day2: '09:00–17:00' },
        { day1: '08:00–16:00', day3: '10:00–14:00' },
      ];
      every303(await atOnce((i) => post(sessions[i % 4]!, '/settings/opening-hours', { _csrf: tokens[i % 4]!, ...weeks[i % 2]! })));
      const kept = (await db()('appointment_hours').where({ workspace_id: workspaceId })).map(
        (r: { weekday: number; opens_at: string }) => `${r.weekday} ${r.opens_at.slice(0, 5)}`,
      );
      expect(
        [
          ['1 09:00', '1 13:00', '2 09:00'],
          ['1 08:00', '3 10:00'],
        ].map((w) => w.join()),
        kept.join(' | '),
      ).to.include([...kept].sort().join());
      const near = await post(sessions[0]!, '/settings/opening-hours', padded({ _csrf: tokens[0]! }, 'day1', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      // The week as it was.
      const back: Record<string, string> = { _csrf: tokens[0]! };
      for (const r of original as Array<{ weekday: number; opens_at: string; closes_at: string }>)
        back[`day${r.weekday}`] = [back[`day${r.weekday}`], `${r.opens_at.slice(0, 5)}–${r.closes_at.slice(0, 5)}`]
          .filter(Boolean)
          .join(', ');
      await post(sessions[0]!, '/settings/opening-hours', back).expect(303);
    });

    it('POST /appointments/:id/decline: one decline of forty, the rest 409', async function () {
      const id = await booking(nextWorkday(3), '10:00');
      const token = await tokenOf(staff, `/appointments/${id}`);
      once(
        await atOnce((i) => post(staff, `/appointments/${id}/decline`, { _csrf: token, reason: `Burst ${i}` })),
        'Only a request still waiting can be declined',
      );
      expect((await db()('appointments').where({ id }).first('status')).status).to.equal('declined');
      const other = await booking(nextWorkday(3), '11:00');
      const near = await post(staff, `/appointments/${other}/decline`, padded({ _csrf: token }, 'reason', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      expect((await db()('appointments').where({ id: other }).first('status')).status).to.equal('pending');
    });

    it('POST /clients/:id/devices and /devices/:id: each form one device, in turn; forty saves of one, each 303', async function () {
      const northwind = (await db()('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id;
      const before = (await db()('devices').where({ workspace_id: workspaceId })).length;
      const token = await tokenOf(staff, `/clients/${northwind}/devices`);
      const device = { _csrf: token, clientId: String(northwind), kind: 'other', status: 'active' };
      // A new-record form made forty times is forty records, as the CRM's other new-record forms.
      every303(await atOnce((i) => post(staff, `/clients/${northwind}/devices`, { ...device, name: `Burst device ${i}` })));
      const made = await db()('devices').where({ workspace_id: workspaceId }).where('name', 'like', 'Burst device %');
      expect(made).to.have.length(FORTY);
      expect((await db()('devices').where({ workspace_id: workspaceId })).length).to.equal(before + FORTY);
      const id = made[0].id;
      every303(await atOnce(() => post(staff, `/devices/${id}`, { ...device, name: 'Burst device, renamed' })));
      expect((await db()('devices').where({ id }).first('name')).name).to.equal('Burst device, renamed');
      const near = await post(staff, `/devices/${id}`, padded(device, 'name', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      await db()('devices')
        .whereIn(
          'id',
          made.map((d: { id: number }) => d.id),
        )
        .delete();
    });

    it('POST /orders/:id/confirm: one confirmation of forty, the rest 409, one order number', async function () {
      const from = (await db()('orders').where({ workspace_id: workspaceId, number: 'SO-2026-002' }).first('id')).id;
      await post(maria, `/portal/demo/orders/${from}/again`, { _csrf: await tokenOf(maria, `/portal/demo/orders/${from}`) }).expect(303);
      const draft = await db()('orders').where({ workspace_id: workspaceId, reorder_of_id: from, status: 'draft' }).first('id');
      const token = await tokenOf(staff, `/orders/${draft.id}`);
      once(await atOnce(() => post(staff, `/orders/${draft.id}/confirm`, { _csrf: token })), /draft/i);
      const row = await db()('orders').where({ id: draft.id }).first('status', 'number');
      expect(row.status).to.equal('confirmed');
      expect(await db()('orders').where({ workspace_id: workspaceId, number: row.number })).to.have.length(1);
      const near = await post(staff, `/orders/${draft.id}/confirm`, padded({ _csrf: token }, 'note', STAFF_FORM_LIMIT - 200));
      expect([400, 409]).to.include(near.status);
    });

    it('POST /settings/request-catalogue and /:id: each form one entry, in turn; forty saves of one, each 303', async function () {
      const token = await tokenOf(staff, '/settings/request-catalogue/new');
      const entry = { _csrf: token, kind: 'general', description: 'Made in a burst.', published: 'on' };
      every303(await atOnce((i) => post(staff, '/settings/request-catalogue', { ...entry, name: `Burst entry ${i}` })));
      const made = await db()('request_definitions').where({ workspace_id: workspaceId }).where('name', 'like', 'Burst entry %');
      expect(made).to.have.length(FORTY);
      const id = made[0].id;
      every303(await atOnce(() => post(staff, `/settings/request-catalogue/${id}`, { ...entry, name: 'Burst entry, renamed' })));
      expect((await db()('request_definitions').where({ id }).first('name')).name).to.equal('Burst entry, renamed');
      const near = await post(staff, `/settings/request-catalogue/${id}`, padded(entry, 'name', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      await db()('request_definitions')
        .whereIn(
          'id',
          made.map((d: { id: number }) => d.id),
        )
        .delete();
    });
  });

  describe('client routes of the portal', function () {
    it('POST /sign-in/language: forty choices, each 303 with the cookie; an overlong one 400', async function () {
      const visitor = h.agent();
      const token = await tokenOf(visitor, '/portal/demo/sign-in');
      const answers = await atOnce(() => post(visitor, '/portal/demo/sign-in/language', { _csrf: token, locale: 'de' }));
      every303(answers);
      for (const answer of answers) expect(String(answer.headers['set-cookie'])).to.match(/portal_lang=de/);
      const near = await post(visitor, '/portal/demo/sign-in/language', padded({ _csrf: token }, 'locale', CLIENT_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
    });

    it('POST /appointments/:id/offers: forty takes from four tabs book one time, the rest 409', async function () {
      const day = nextWorkday(4);
      const id = await booking(day, '16:30');
      const staffToken = await tokenOf(staff, `/appointments/${id}`);
      await post(staff, `/appointments/${id}/decline`, {
        _csrf: staffToken,
        offer1Day: day,
        offer1Time: '09:30',
        offer2Day: day,
        offer2Time: '11:00',
      }).expect(303);
      const url = `/portal/demo/appointments/${id}`;
      const tabs = await Promise.all([1, 2, 3, 4].map(() => signedInAgent(h.agent(), 'demo', login('maria@northwind.test'))));
      const tokens = await Promise.all(tabs.map((tab) => tokenOf(tab, url)));
      const at = (time: string) => wallTimeToInstant(day, time, 'Europe/Berlin').toISOString();
      once(
        await atOnce((i) => post(tabs[i % 4]!, `${url}/offers`, { _csrf: tokens[i % 4]!, startsAt: at(i % 2 ? '11:00' : '09:30') })),
        /no longer on offer|just been taken/,
      );
      expect(await db()('appointments').where({ workspace_id: workspaceId, status: 'pending' })).to.have.length(1);
      const near = await post(maria, `${url}/offers`, padded({ _csrf: tokens[0]! }, 'startsAt', CLIENT_FORM_LIMIT - 200));
      expect(near.status).to.be.within(400, 499);
    });

    it('POST /appointments/:id/reschedule: forty asks from four tabs move it once, the rest 409', async function () {
      const id = await booking(nextWorkday(3), '15:00');
      const url = `/portal/demo/appointments/${id}`;
      const other = nextWorkday(5);
      const tabs = await Promise.all([1, 2, 3, 4].map(() => signedInAgent(h.agent(), 'demo', login('maria@northwind.test'))));
      const tokens = await Promise.all(tabs.map((tab) => tokenOf(tab, `${url}/reschedule?day=${other}`)));
      const at = (time: string) => wallTimeToInstant(other, time, 'Europe/Berlin').toISOString();
      once(
        await atOnce((i) =>
          post(tabs[i % 4]!, `${url}/reschedule`, {
            _csrf: tokens[i % 4]!,
            day: other,
            startsAt: at(i % 2 ? '16:00' : '09:00'),
            sequence: '0',
          }),
        ),
        'This appointment changed while you were choosing',
      );
      expect((await db()('appointments').where({ id }).first('sequence')).sequence).to.equal(1);
      const near = await post(
        maria,
        `${url}/reschedule`,
        padded({ _csrf: tokens[0]!, day: other, sequence: '1' }, 'note', CLIENT_FORM_LIMIT - 200),
      );
      expect(near.status).to.be.within(400, 499);
      expect((await db()('appointments').where({ id }).first('sequence')).sequence).to.equal(1);
    });

    it('POST /knowledge/:id/helpful: forty answers keep one, each 303', async function () {
      const article = (
        await db()('kb_articles').where({ workspace_id: workspaceId, title: 'How to pay an invoice by bank transfer' }).first('id')
      ).id;
      const url = `/portal/demo/knowledge/${article}`;
      const token = await tokenOf(maria, url);
      every303(await atOnce((i) => post(maria, `${url}/helpful`, { _csrf: token, helpful: i % 2 ? 'no' : 'yes' })));
      expect(await db()('portal_knowledge_votes').where({ workspace_id: String(workspaceId), article_id: String(article) })).to.have.length(
        1,
      );
      const near = await post(maria, `${url}/helpful`, padded({ _csrf: token }, 'helpful', CLIENT_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
    });

    it('POST /requests/new/:id: forty sends of one form, each a request or refused in words, never a 5xx', async function () {
      const definition = (
        await db()('request_definitions').where({ workspace_id: workspaceId, name: 'Request a quote for printing' }).first('id')
      ).id;
      const path = `/portal/demo/requests/new/${definition}`;
      const token = await tokenOf(maria, path);
      const before = (await db()('service_requests').where({ workspace_id: workspaceId })).length;
      const answers = await atOnce(() => post(maria, path, { _csrf: token, f_product: 'cards', f_quantity: '250', f_notes: 'Burst' }));
      const statuses = statusesOf(answers);
      // Sent in turn, each is a request until the sending limit, which refuses the rest in words (429).
      expect(
        statuses.filter((s) => s !== 303 && s !== 429),
        statuses.join(' '),
      ).to.deep.equal([]);
      const made = (await db()('service_requests').where({ workspace_id: workspaceId })).length - before;
      expect(made).to.equal(statuses.filter((s) => s === 303).length);
      const near = await post(
        maria,
        path,
        padded({ _csrf: token, f_product: 'cards', f_quantity: '250' }, 'f_notes', CLIENT_FORM_LIMIT - 200),
      );
      expect(near.status).to.be.within(400, 499);
    });

    it('POST /tasks/:id/done and /reopen: forty of each, each 303, the task done and then open', async function () {
      const task = (await db()('tasks').where({ workspace_id: workspaceId, title: 'Send brand assets (logo files and fonts)' }).first('id'))
        .id;
      const token = await tokenOf(maria, '/portal/demo/tasks');
      every303(await atOnce(() => post(maria, `/portal/demo/tasks/${task}/done`, { _csrf: token, tab: 'open' })));
      expect((await db()('tasks').where({ id: task }).first('status')).status).to.equal('done');
      every303(await atOnce(() => post(maria, `/portal/demo/tasks/${task}/reopen`, { _csrf: token, tab: 'done' })));
      expect((await db()('tasks').where({ id: task }).first('status')).status).to.not.equal('done');
      // A list tab it cannot read is no reason to refuse the change: the task is done, the list opens on its default tab.
      const near = await post(maria, `/portal/demo/tasks/${task}/done`, padded({ _csrf: token }, 'tab', CLIENT_FORM_LIMIT - 200));
      expect(near.status).to.equal(303);
      expect(near.headers.location).to.equal('/portal/demo/tasks?tab=open');
      expect((await db()('tasks').where({ id: task }).first('status')).status).to.equal('done');
      await post(maria, `/portal/demo/tasks/${task}/reopen`, { _csrf: token, tab: 'done' }).expect(303);
    });
  });
  describe('a request’s thread, asks for more hours and a line’s allowance', function () {
    let contractId: number;
    let lineId: number;
    const contractUrl = () => `/portal/demo/contracts/${contractId}`;
    const askUrl = () => `${contractUrl()}/lines/${lineId}/hours`;
    const asks = () => db()('portal_contract_hour_requests').where({ workspace_id: String(workspaceId), contract_id: String(contractId) });

    before(async function () {
      contractId = (await db()('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id')).id;
      lineId = (
        await db()('contract_lines').where({ workspace_id: workspaceId, contract_id: contractId, name: 'Support hours' }).first('id')
      ).id;
    });
    beforeEach(async function () {
      await db()('portal_contract_hour_requests').delete();
    });

    /** A request of Maria's, sent through its form; its page. */
    async function request(): Promise<string> {
      const definition = (
        await db()('request_definitions').where({ workspace_id: workspaceId, name: 'Request a quote for printing' }).first('id')
      ).id;
      const path = `/portal/demo/requests/new/${definition}`;
      const sent = await post(maria, path, { _csrf: await tokenOf(maria, path), f_product: 'cards', f_quantity: '250', f_notes: 'Thread' });
      expect(sent.status).to.equal(303);
      return sent.headers.location as string;
    }
    const threadOf = (url: string) =>
      db()('client_comments').where({ workspace_id: String(workspaceId), subject_type: 'request', subject_id: url.split('/').pop() });

    it('POST /requests/mine/:id/comments: forty messages, each kept or refused in words by the comment limit', async function () {
      const url = await request();
      const token = await tokenOf(maria, url);
      const answers = await atOnce((i) => post(maria, `${url}/comments`, { _csrf: token, body: `Burst ${i}` }));
      const statuses = statusesOf(answers);
      expect(
        statuses.filter((s) => s !== 303 && s !== 429),
        statuses.join(' '),
      ).to.deep.equal([]);
      expect(await threadOf(url)).to.have.length(statuses.filter((s) => s === 303).length);
      await db()('portal_rate_limits').delete();
      const near = await post(maria, `${url}/comments`, padded({ _csrf: token }, 'body', CLIENT_FORM_LIMIT - 200));
      expect(near.status).to.be.within(400, 499);
    });

    it('POST /requests/:id/replies (staff): forty replies, each kept, each a 303', async function () {
      const url = await request();
      const id = url.split('/').pop();
      const token = await tokenOf(staff, `/requests/${id}`);
      every303(await atOnce((i) => post(staff, `/requests/${id}/replies`, { _csrf: token, body: `Reply ${i}` })));
      expect(await threadOf(url)).to.have.length(FORTY);
      const near = await post(staff, `/requests/${id}/replies`, padded({ _csrf: token }, 'body', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      expect(await threadOf(url)).to.have.length(FORTY);
    });

    it('POST /contracts/:id/lines/:line/hours: one ask of forty, the rest 409', async function () {
      const token = await tokenOf(maria, contractUrl());
      once(
        await atOnce(() => post(maria, askUrl(), { _csrf: token, hours: '4', scope: 'this_period' })),
        'You already have a request for more hours waiting on Support hours',
      );
      expect(await asks()).to.have.length(1);
      await db()('portal_contract_hour_requests').delete();
      const near = await post(maria, askUrl(), padded({ _csrf: token, hours: '4', scope: 'this_period' }, 'note', CLIENT_FORM_LIMIT - 200));
      expect(near.status).to.be.within(400, 499);
      expect(await asks()).to.have.length(0);
    });

    it('POST /contracts/:id/hours/:ask/withdraw: forty withdrawals of one ask, each a 303, withdrawn once', async function () {
      const token = await tokenOf(maria, contractUrl());
      await post(maria, askUrl(), { _csrf: token, hours: '2', scope: 'from_now_on' }).expect(303);
      const [ask] = await asks();
      const path = `${contractUrl()}/hours/${ask.id}/withdraw`;
      every303(await atOnce(() => post(maria, path, { _csrf: token })));
      expect((await asks()).map((a: { state: string }) => a.state)).to.deep.equal(['withdrawn']);
      const logged = await db()('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'contract.hours_withdrawn' });
      expect(logged.filter((row: { details: { requestId: string } }) => row.details.requestId === ask.id)).to.have.length(1);
      const near = await post(maria, path, padded({ _csrf: token }, 'note', CLIENT_FORM_LIMIT - 200));
      expect(near.status).to.be.within(300, 499);
    });

    it('POST /contracts/:id/hour-requests/:ask/answer (staff): one answer of forty, the rest 409', async function () {
      await post(maria, askUrl(), { _csrf: await tokenOf(maria, contractUrl()), hours: '3', scope: 'from_now_on' }).expect(303);
      const [ask] = await asks();
      const path = `/contracts/${contractId}/hour-requests/${ask.id}/answer`;
      const token = await tokenOf(staff, `/contracts/${contractId}`);
      once(
        await atOnce((i) => post(staff, path, { _csrf: token, answer: 'agreed', note: `Agreed ${i}` })),
        'That request was withdrawn or answered meanwhile',
      );
      expect((await asks()).map((a: { state: string }) => a.state)).to.deep.equal(['answered']);
      const answered = await db()('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'contract.hours_answered' });
      expect(answered.filter((row: { details: { requestId: string } }) => row.details.requestId === ask.id)).to.have.length(1);
      const near = await post(staff, path, padded({ _csrf: token, answer: 'agreed' }, 'note', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.be.within(400, 499);
    });

    it('POST /contracts/:id/allowance (staff): forty saves of one allowance, each the same 303', async function () {
      const before = (await db()('contract_lines').where({ id: lineId }).first('allowance')).allowance;
      const path = `/contracts/${contractId}/allowance`;
      const token = await tokenOf(staff, `/contracts/${contractId}`);
      every303(await atOnce(() => post(staff, path, { _csrf: token, allowanceLineId: String(lineId), allowance: '12,5' })));
      expect(Number((await db()('contract_lines').where({ id: lineId }).first('allowance')).allowance)).to.equal(12.5);
      const near = await post(staff, path, padded({ _csrf: token, allowanceLineId: String(lineId) }, 'allowance', STAFF_FORM_LIMIT - 200));
      expect(near.status).to.equal(400);
      expect(Number((await db()('contract_lines').where({ id: lineId }).first('allowance')).allowance)).to.equal(12.5);
      await db()('contract_lines').where({ id: lineId }).update({ allowance: before });
    });
  });
});
