// The reference CRM's staff route that calls off an agreed appointment (`POST
// /appointments/:id/cancel`), pressed hard, on the CRM booted as `npm start` boots it (its pool and
// database bounds): forty cancellations of one confirmed appointment at once cancel it exactly
// once (303), every other answer is the "only a confirmed or moved appointment" refusal (409),
// never a server error; the client is told once; and the pool still serves another staff page and
// a client's page meanwhile. A form near the size limit is answered in words (4xx): just under it,
// the reason too long for the field; just over it, "too much data".
import { expect } from 'chai';
import { databaseBoundsFrom } from '../../src/index.ts';
import { addDays, dayInZone, wallTimeToInstant } from '../../src/core/time/zoned-days.ts';
import { csrfFrom, signedInAgent, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

/** The CRM's form body limit (plugins/reference-crm/app.ts, BODY_LIMIT). */
const BODY_LIMIT_BYTES = 200 * 1024;

describe('staff cancelling one appointment at once, and near the size limit', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let staff: Awaited<ReturnType<typeof signedInStaffAgent>>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let appointmentId: number;

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness({ boot: { databaseBounds: databaseBoundsFrom({}) } });
    const db = h.crm.db;
    workspaceId = (await db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_appointments: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    staff = await signedInStaffAgent(h, 'demo');
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    priya = await signedInAgent(h.agent(), 'demo', login);
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    const db = h.crm.db;
    await db('appointments').where({ workspace_id: workspaceId }).delete();
    const contact = await db('contacts').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('id', 'client_id');
    const service = await db('appointment_services').where({ workspace_id: workspaceId, name: 'Consultation' }).first('id');
    let day = addDays(dayInZone(new Date(), 'Europe/Berlin'), 3);
    while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
    const startsAt = wallTimeToInstant(day, '10:00', 'Europe/Berlin');
    const [row] = await db('appointments')
      .insert({
        workspace_id: workspaceId,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: service.id,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 30 * 60_000),
        time_zone: 'Europe/Berlin',
        status: 'confirmed',
      })
      .returning('id');
    appointmentId = row.id;
  });

  const csrf = async () => csrfFrom((await staff.get(`/appointments/${appointmentId}`).expect(200)).text);

  it('cancels once of forty at once, refuses the rest with 409, never 500, and keeps serving others', async function () {
    const token = await csrf();
    let bursting = true;
    const burst = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        staff
          .post(`/appointments/${appointmentId}/cancel`)
          .type('form')
          .send({ _csrf: token, reason: `Burst ${i}: our consultant is ill.` })
          .then((res) => ({ status: res.status, text: res.text })),
      ),
    ).finally(() => {
      bursting = false;
    });
    // Meanwhile another staff page and a client of another company are answered: the pool holds.
    const others: number[] = [];
    const readMeanwhile = async () => {
      do others.push((await staff.get('/appointments')).status, (await priya.get('/portal/demo/invoices')).status);
      while (bursting);
    };
    const [answers] = await Promise.all([burst, readMeanwhile()]);

    const statuses = answers.map((a) => a.status);
    expect(
      statuses.filter((s) => s === 303),
      `statuses: ${statuses.join(' ')}`,
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s !== 303 && s !== 409),
      `statuses: ${statuses.join(' ')}`,
    ).to.deep.equal([]);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.text).to.contain('Only a confirmed or moved appointment can be cancelled');
    const row = await h.crm.db('appointments').where({ workspace_id: workspaceId, id: appointmentId }).first('status', 'agency_reason');
    expect(row.status).to.equal('cancelled');
    expect(row.agency_reason).to.match(/^Burst \d+: our consultant is ill\.$/);
    // The client heard of it once.
    const told = await h.crm
      .db('portal_client_notifications')
      .where({ workspace_id: String(workspaceId), kind: 'appointment_answered', subject_id: String(appointmentId) })
      .pluck('occurrence');
    // (A cancellation takes the revision up: the calendar's CANCEL outranks the invitation.)
    expect([...new Set(told)]).to.deep.equal(['cancelled:1']);
    expect(others, 'pages read meanwhile').to.not.be.empty;
    expect(others.filter((s) => s !== 200)).to.deep.equal([]);
  });

  it('answers a form just under the size limit with the field’s message, and one just over with “too much data”', async function () {
    const token = await csrf();
    const form = (reasonBytes: number) => `_csrf=${encodeURIComponent(token)}&reason=${'a'.repeat(reasonBytes)}`;
    const under = form(BODY_LIMIT_BYTES - 200);
    expect(Buffer.byteLength(under)).to.be.below(BODY_LIMIT_BYTES);
    const long = await staff.post(`/appointments/${appointmentId}/cancel`).type('form').send(under);
    expect(long.status).to.equal(400);
    expect(long.text).to.match(/Reason[^<]*2,?000 characters/);

    const over = form(BODY_LIMIT_BYTES + 100);
    const tooMuch = await staff.post(`/appointments/${appointmentId}/cancel`).type('form').send(over);
    expect(tooMuch.status).to.equal(413);
    expect(tooMuch.text).to.contain('The form sent more data than this page accepts.');
    // Neither changed anything.
    const row = await h.crm.db('appointments').where({ workspace_id: workspaceId, id: appointmentId }).first('status');
    expect(row.status).to.equal('confirmed');
  });
});
