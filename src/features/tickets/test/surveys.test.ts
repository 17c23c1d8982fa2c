// Satisfaction surveys on the reference CRM, over HTTP: staff resolve a ticket in the CRM and the
// person who opened it is invited (a portal notification, and an email by their preference), once
// per resolution; the link leads to the survey, whose answer is kept, logged and told to the
// agency; the person who answered may change it (the log keeps what it replaced), a colleague may not. A ticket the client closed themselves invites no one, nor does a colleague's ticket
// invite anyone but who opened it.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

describe('ticket satisfaction surveys', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let olivia: ReturnType<PortalHarness['agent']>;
  let staff: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;

  const login = (email: string) => demoLogin(h, email);
  const userId = async (email: string) =>
    (
      await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), email })
        .first('id')
    ).id as string;
  const invitations = async (email: string) =>
    h.crm
      .db('portal_client_notifications')
      .where({ workspace_id: String(workspaceId), client_user_id: await userId(email), kind: 'survey_invited' })
      .orderBy('id')
      .select('subject_type', 'subject_id', 'occurrence', 'channel');

  async function openTicket(subject: string): Promise<{ url: string; id: string }> {
    const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    const url = (
      await maria
        .post('/portal/demo/tickets')
        .type('form')
        .send({ _csrf: csrfFrom(form), subject, description: 'Please help.' })
        .expect(303)
    ).headers.location as string;
    return { url, id: url.split('/').pop()! };
  }

  async function setStatus(id: string, status: string) {
    const page = (await staff.get(`/tickets/${id}`).expect(200)).text;
    await staff
      .post(`/tickets/${id}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page), status })
      .expect(303);
  }

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_tickets: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    olivia = await signedInAgent(h.agent(), 'demo', login('olivia@northwind.test'));
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
  });

  it('invites who opened the ticket when staff resolve it, once per resolution, in the portal and by email', async function () {
    h.smtp.clear();
    const { url, id } = await openTicket('The scanner jams');
    await setStatus(id, 'resolved');
    const [invited, ...more] = await invitations('maria@northwind.test');
    expect(more).to.have.length(0);
    expect(invited).to.include({ subject_type: 'survey', subject_id: id, channel: 'email' });
    expect(await invitations('olivia@northwind.test'), 'a colleague did not open it').to.have.length(0);

    // The email, at once (the kind's default), leads through the notification to the survey.
    const email = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.subject.includes('How did we do'));
    expect(email.subject).to.match(/How did we do on TIC-\d{4} · The scanner jams\?/);
    const list = (await maria.get('/portal/demo/notifications').expect(200)).text;
    expect(list).to.match(/How did we do on TIC-\d{4} · The scanner jams\? Tell us in a one-question survey/);
    const notice = /href="(\/portal\/demo\/notifications\/\d+)"/.exec(list)![1]!;
    expect((await maria.get(notice).expect(303)).headers.location).to.equal(`${url}/survey`);

    // Closed after resolving: the same resolution, no second invitation; reopened and resolved again: a new one.
    await setStatus(id, 'closed');
    expect(await invitations('maria@northwind.test')).to.have.length(1);
    await setStatus(id, 'in_progress');
    await maria.get(`${url}/survey`).expect(409);
    await setStatus(id, 'resolved');
    const both = await invitations('maria@northwind.test');
    expect(both).to.have.length(2);
    expect(both[1]!.occurrence).to.not.equal(both[0]!.occurrence);
  });

  it('keeps the answer, editable, logs it for the agency, and shows it to a colleague', async function () {
    const { url, id } = await openTicket('The website is slow');
    await setStatus(id, 'resolved');
    const survey = (await maria.get(`${url}/survey`).expect(200)).text;
    expect(survey).to.contain('How satisfied are you with how we handled this ticket?');
    await maria
      .post(`${url}/survey`)
      .type('form')
      .send({ _csrf: csrfFrom(survey), rating: '4', comment: 'Fixed in a day.' })
      .expect(303);
    const thanks = (await maria.get(`${url}/survey`).expect(200)).text;
    expect(thanks).to.contain('Thank you for your answer.').and.contain('You rated this ticket 4 of 5').and.contain('Fixed in a day.');
    // Editable: a second answer replaces the first.
    await maria
      .post(`${url}/survey`)
      .type('form')
      .send({ _csrf: csrfFrom(thanks), rating: '5' })
      .expect(303);
    const rows = await h.crm.db('portal_ticket_ratings').where({ workspace_id: String(workspaceId), ticket_id: id });
    expect(rows.map((r: { rating: number; comment: string | null }) => [r.rating, r.comment])).to.deep.equal([[5, null]]);
    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'ticket.rated' });
    expect(logged).to.have.length(2);
    const notices = (await staff.get('/client-portal/notifications').set('Accept-Language', 'en').expect(200)).text;
    // Staff are told, with the rating, leading to the ticket's page in the CRM.
    expect(notices).to.contain('rated 5 of 5').and.contain(`href="/tickets/${id}"`);
    // The survey page in German, from the same template.
    const german = (await maria.get(`${url}/survey`).set('Accept-Language', 'de').expect(200)).text;
    expect(german).to.contain('Wie zufrieden sind Sie damit').and.contain('Vielen Dank für Ihre Antwort.');
    // A colleague of the company reads the ticket's survey too, but may not replace the answer.
    const colleagues = (await olivia.get(`${url}/survey`).expect(200)).text;
    expect(colleagues)
      .to.contain('A colleague rated this ticket 5 of 5')
      .and.contain('A colleague gave this answer; only they can change it.');
    expect(colleagues).to.not.contain('name="rating"');
    const refused = await olivia
      .post(`${url}/survey`)
      .type('form')
      .send({ _csrf: csrfFrom(colleagues), rating: '1', comment: 'Overwritten' })
      .expect(409);
    expect(refused.text).to.contain('A colleague has answered this survey; only they can change the answer.');
    const kept = await h.crm.db('portal_ticket_ratings').where({ workspace_id: String(workspaceId), ticket_id: id });
    expect(kept.map((r: { rating: number; comment: string | null }) => [r.rating, r.comment])).to.deep.equal([[5, null]]);
    // The answer's history: the change is logged with what it replaced.
    const changes = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'ticket.rated' })
      .orderBy('id')
      .pluck('details');
    expect(changes.map((d: Record<string, unknown>) => d.replaced ?? null)).to.have.length(2);
    expect(changes[0].replaced, 'the first answer replaced nothing').to.equal(undefined);
    expect(changes[1].replaced).to.include({ rating: 4, comment: 'Fixed in a day.' });
  });

  it("shows staff the answer on the ticket's page, and the company's average, count and newest answers on its page", async function () {
    const first = await openTicket('The printer is slow');
    const second = await openTicket('The fax is slow');
    for (const [ticket, rating, comment] of [
      [first, '2', 'Took a week.'],
      [second, '5', 'Same day <b>fix</b>.'],
    ] as const) {
      await setStatus(ticket.id, 'resolved');
      const page = (await maria.get(`${ticket.url}/survey`).expect(200)).text;
      await maria
        .post(`${ticket.url}/survey`)
        .type('form')
        .send({ _csrf: csrfFrom(page), rating, comment })
        .expect(303);
    }
    const ticketPage = (await staff.get(`/tickets/${second.id}`).expect(200)).text;
    expect(ticketPage).to.contain('Client satisfaction').and.contain('rated this ticket <strong>5 of 5</strong>');
    // The client's words, escaped.
    expect(ticketPage).to.contain('Same day &lt;b&gt;fix&lt;/b&gt;.').and.not.contain('<b>fix</b>');
    const client = (
      await h.crm
        .db('tickets')
        .where({ workspace_id: workspaceId, id: Number(second.id) })
        .first('client_id')
    ).client_id;
    const companyPage = (await staff.get(`/clients/${client}`).expect(200)).text;
    // Every answer of the company so far: the earlier tests' 5 and these 2 and 5.
    const all = await h.crm
      .db('portal_ticket_ratings')
      .where({ workspace_id: String(workspaceId), client_id: String(client) })
      .select('rating');
    const average = (all.reduce((sum: number, row: { rating: number }) => sum + row.rating, 0) / all.length).toFixed(1);
    expect(companyPage).to.contain(`Average <strong>${average} of 5</strong> from ${all.length} answers`);
    expect(companyPage)
      .to.match(/TIC-\d{4} The fax is slow/)
      .and.contain('Took a week.');
    // The portal's own staff page of the workspace's satisfaction (for hosts without such pages): the company's count and average.
    const satisfaction = (await staff.get('/settings/client-portal/satisfaction').set('Accept-Language', 'en').expect(200)).text;
    expect(satisfaction).to.contain('Client satisfaction').and.contain('Northwind Traders').and.contain(`${average} of 5`);
    const zufriedenheit = (await staff.get('/settings/client-portal/satisfaction').set('Accept-Language', 'de').expect(200)).text;
    expect(zufriedenheit).to.contain('Kundenzufriedenheit').and.contain(`${average} von 5`);
    // Another company's page: none of these.
    const bluebell = (await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Bluebell Bakery' }).first('id')).id;
    expect((await staff.get(`/clients/${bluebell}`).expect(200)).text)
      .to.contain('No survey answers yet.')
      .and.not.contain('Took a week.');
  });

  it('invites no one for a ticket the client closed themselves, even when staff write on it afterwards', async function () {
    const { url, id } = await openTicket('Never mind, it works');
    const page = (await maria.get(url).expect(200)).text;
    await maria
      .post(`${url}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(page) })
      .expect(303);
    const staffPage = (await staff.get(`/tickets/${id}`).expect(200)).text;
    await staff
      .post(`/tickets/${id}/messages`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), body: 'Glad to hear it.' })
      .expect(303);
    const mine = (await invitations('maria@northwind.test')).filter((row) => row.subject_id === id);
    expect(mine).to.have.length(0);
    // The survey is still there to answer from the ticket's page.
    await maria.get(`${url}/survey`).expect(200);
  });
});
