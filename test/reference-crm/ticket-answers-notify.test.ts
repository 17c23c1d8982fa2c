// Covers what the client is told of when staff work a ticket on the CRM's own page: every answer
// and every status the agency sets notifies the client once (a second answer on the same ticket
// too, not only the first), and a note between staff notifies no one.
import { expect } from 'chai';
import { csrfFrom, type PortalHarness, signedInDemoClient, signedInStaffAgent, startPortalHarness } from '../support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('reference CRM ticket page: each answer of the agency reaches the client', function () {
  let h: PortalHarness;
  let maria: Agent;
  let staff: Agent;
  let workspaceId: number;

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_tickets: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    staff = await signedInStaffAgent(h, 'demo');
  });

  after(async function () {
    await h?.close();
  });

  /** Maria's notifications of the ticket's answers, oldest first. */
  const answersTold = (ticketId: string) =>
    h.crm
      .db('portal_client_notifications as n')
      .join('client_users as u', function joinUser() {
        this.on('u.id', '=', 'n.client_user_id').andOn('u.workspace_id', '=', 'n.workspace_id');
      })
      .where({
        'n.workspace_id': String(workspaceId),
        'n.kind': 'ticket_answered',
        'n.subject_id': ticketId,
        'u.email': 'maria@northwind.test',
      })
      .count<{ n: string }[]>({ n: '*' })
      .then((rows) => Number(rows[0]!.n));

  async function staffWrites(ticketId: string, fields: Record<string, string>): Promise<void> {
    const page = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    const post = staff.post(`/tickets/${ticketId}/messages`).field('_csrf', csrfFrom(page));
    for (const [name, value] of Object.entries(fields)) post.field(name, value);
    await post.expect(303);
  }

  it('tells the client of each answer and each status the agency sets, and of no internal note', async function () {
    const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    const created = await maria
      .post('/portal/demo/tickets')
      .type('form')
      .send({ _csrf: csrfFrom(form), subject: 'Invoices print blank', description: 'Every invoice prints as a blank page.' })
      .expect(303);
    const ticketId = (created.headers.location as string).split('/').pop()!;
    expect(await answersTold(ticketId)).to.equal(0);

    await staffWrites(ticketId, { body: 'Which printer is it?' });
    expect(await answersTold(ticketId)).to.equal(1);
    await staffWrites(ticketId, { body: 'And which browser do you print from?' });
    expect(await answersTold(ticketId)).to.equal(2);
    await staffWrites(ticketId, { body: 'Probably the driver again.', internal: 'on' });
    expect(await answersTold(ticketId)).to.equal(2);

    const page = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    await staff
      .post(`/tickets/${ticketId}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page), status: 'resolved' })
      .expect(303);
    expect(await answersTold(ticketId)).to.equal(3);
  });
});
