// Covers the ticket staff pages: the workspace's tickets by last activity, a ticket with its
// internal notes marked, an answer that moves the status with it, an internal note that tells the
// client nothing, a status change with its history, 400 with a reason, CSRF 403 and 404 across
// workspaces. What the client is told comes through the plugins' recordChanged.
import { expect } from 'chai';
import type { CrmRecordChange } from '../../plugins/reference-crm/app.ts';
import { ACME_ADMIN, DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM ticket pages', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;
  let acme: SignedIn;
  const told: CrmRecordChange[] = [];

  before(async function () {
    crm = await startCrm({ plugins: [{ recordChanged: async (change) => void told.push(change) }] });
    demo = await signIn(crm.app, DEMO_ADMIN);
    acme = await signIn(crm.app, ACME_ADMIN);
  });

  after(async function () {
    await crm?.close();
  });

  it("lists the workspace's tickets, newest activity first, not another workspace's", async function () {
    const text = textOf((await demo.agent.get('/tickets').expect(200)).text);
    expect(text).to.include('Logo looks blurry on the invoices').and.include('Order page shows the wrong prices');
    expect(text.indexOf('Logo looks blurry')).to.be.lessThan(text.indexOf('Order page shows'));
    expect(textOf((await acme.agent.get('/tickets').expect(200)).text)).to.not.include('Logo looks blurry');
  });

  it('shows a ticket with its internal note marked, and 404 to another workspace', async function () {
    const id = await idOf(crm.db, 'tickets', { subject: 'Contact form on the website sends no email' }, 'demo');
    const text = textOf((await demo.agent.get(`/tickets/${id}`).expect(200)).text);
    expect(text).to.include('SMTP password rotated').and.include('internal note, not shown to the client');
    expect(text).to.include('Waiting on client');
    await acme.agent.get(`/tickets/${id}`).expect(404);
    await acme.agent.post(`/tickets/${id}/messages`).type('form').send({ _csrf: acme.csrf, body: 'Hi' }).expect(404);
  });

  it('answers with a status, writes a silent note, changes the status, and refuses what is not valid', async function () {
    const id = await idOf(crm.db, 'tickets', { subject: 'Logo looks blurry on the invoices' }, 'demo');
    told.length = 0;
    await demo.agent
      .post(`/tickets/${id}/messages`)
      .type('form')
      .send({ _csrf: demo.csrf, body: 'Could you send the printed page?', status: 'waiting_on_client' })
      .expect(303);
    expect(told.map((c) => [c.kind, c.id, c.happened])).to.deep.equal([['ticket', String(id), 'answered']]);
    await demo.agent
      .post(`/tickets/${id}/messages`)
      .type('form')
      .send({ _csrf: demo.csrf, body: 'Printer profile issue.', internal: 'on' })
      .expect(303);
    expect(told, 'an internal note tells the client nothing').to.have.length(1);
    await demo.agent.post(`/tickets/${id}/status`).type('form').send({ _csrf: demo.csrf, status: 'resolved' }).expect(303);
    expect(told).to.have.length(2);
    const row = await crm.db('tickets').where({ id }).first('status', 'closed_at');
    expect(row.status).to.equal('resolved');
    expect(row.closed_at).to.be.instanceOf(Date);
    const history = await crm.db('ticket_status_changes').where({ ticket_id: id }).orderBy('id').pluck('to_status');
    expect(history.slice(-2)).to.deep.equal(['waiting_on_client', 'resolved']);
    const empty = await demo.agent.post(`/tickets/${id}/messages`).type('form').send({ _csrf: demo.csrf, body: '' }).expect(400);
    expect(textOf(empty.text)).to.include('Write the answer or the note.');
    await demo.agent.post(`/tickets/${id}/status`).type('form').send({ _csrf: demo.csrf, status: 'lost' }).expect(400);
    await demo.agent.post(`/tickets/${id}/status`).type('form').send({ status: 'closed' }).expect(403);
  });
});
