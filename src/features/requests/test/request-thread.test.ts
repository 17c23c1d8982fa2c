// A request's thread over HTTP against the reference CRM: the client writes under their request
// (post/redirect/get; a refused message comes back as typed with what is wrong, 422), it is logged
// and the agency is notified with a link to the request's staff page; staff read it on the CRM's own
// page of the request and reply there, and the client reads the reply in order (author, time), is
// notified in the portal and by email saying which request and what was said, and their open page
// is told live. Another company's request is a 404 for the thread too, the section switched off is
// a 404, and the messages page lists the request's thread. The person's data export lists their
// messages on requests.
import { expect } from 'chai';
import { unzip } from '../../../../test/support/unzip.ts';
import {
  csrfFrom,
  postFormFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

describe('a request’s thread with the agency', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let staff: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let url: string;
  let requestId: string;
  let ref: string;

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  const post = async (agent: ReturnType<PortalHarness['agent']>, body: string, status: number, language = 'en') => {
    const page = (await agent.get(url).set('Accept-Language', language).expect(200)).text;
    return agent
      .post(`${url}/comments`)
      .set('Accept-Language', language)
      .type('form')
      .send({ _csrf: csrfFrom(page), body })
      .expect(status);
  };

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    // Comments switched off: a request's thread is the request's own, there whatever that switch says.
    await setSettings({ show_requests: true, allow_comments: false });
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    staff = await signedInStaffAgent(h, 'demo');
    const definition = (
      await h.crm.db('request_definitions').where({ workspace_id: workspaceId, name: 'Request a website change' }).first('id')
    ).id;
    const form = (await maria.get(`/portal/demo/requests/new/${definition}`).expect(200)).text;
    const fields = [...form.matchAll(/name="(f_[a-z_]+)"/g)].map((m) => m[1]!);
    const answers = Object.fromEntries(fields.filter((f) => !f.includes('__')).map((f) => [f, 'The opening hours on the contact page']));
    const sent = await maria
      .post(`/portal/demo/requests/new/${definition}`)
      .type('form')
      .send({ _csrf: csrfFrom(form), ...answers });
    expect(sent.status, sent.text.slice(0, 2000)).to.equal(303);
    url = sent.headers.location as string;
    requestId = url.split('/').pop()!;
    ref = (
      await h.crm
        .db('service_requests')
        .where({ workspace_id: workspaceId, id: Number(requestId) })
        .first('ref')
    ).ref;
  });
  after(async function () {
    await h.crm?.db('workspace_client_portal_settings').delete();
    await h?.close();
  });

  it('keeps the client’s message, logs it, and notifies the agency with a link to the request’s staff page', async function () {
    const page = (await maria.get(url).expect(200)).text;
    expect(page).to.contain('id="comments"').and.contain(`action="${url}/comments"`);
    expect(page).to.contain('No comments yet.');
    const sent = await post(maria, 'Could the new hours go live on Monday?', 303);
    expect(sent.headers.location).to.equal(`${url}#comments`);
    const shown = (await maria.get(url).expect(200)).text;
    expect(shown).to.contain('Could the new hours go live on Monday?').and.contain('Maria García');

    const logged = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'comment.added' })
      .orderBy('id', 'desc')
      .first('details');
    expect(logged.details).to.include({
      subjectType: 'request',
      subjectId: requestId,
      number: ref,
      excerpt: 'Could the new hours go live on Monday?',
    });
    const live = await h.crm.db('portal_live_events').where({ workspace_id: String(workspaceId), type: 'comment-created' });
    expect(live.map((e: { data: { subjectType: string; subjectId: string } }) => `${e.data.subjectType}:${e.data.subjectId}`)).to.include(
      `request:${requestId}`,
    );

    const notifications = (await staff.get('/client-portal/notifications').expect(200)).text;
    expect(notifications).to.contain(`“Could the new hours go live on Monday?” on Request ${ref}`);
    expect(notifications).to.contain(`href="/requests/${requestId}"`);
    expect(notifications, 'not the conversation').to.not.match(/Could the new hours[\s\S]{0,600}href="\/client-messages\//);
  });

  it('refuses an empty or too long message as typed, with what is wrong (422), and keeps nothing', async function () {
    const before = await h.crm.db('client_comments').where({ workspace_id: String(workspaceId), subject_type: 'request' });
    const empty = await post(maria, '   ', 422);
    expect(empty.text).to.contain('Write a comment first.').and.contain('aria-invalid="true"');
    const long = `Keep this. ${'x'.repeat(5000)}`;
    const tooLong = await post(maria, long, 422);
    expect(tooLong.text).to.contain('Keep a comment under 5,000 characters.').and.contain('Keep this. xxxx');
    const german = await post(maria, '', 422, 'de');
    expect(german.text).to.contain('Schreiben Sie zuerst einen Kommentar.').and.not.contain('comments:');
    const french = await post(maria, '', 422, 'fr');
    expect(french.text).to.contain('Rédigez d’abord un commentaire.');
    expect(await h.crm.db('client_comments').where({ workspace_id: String(workspaceId), subject_type: 'request' })).to.have.length(
      before.length,
    );
  });

  it('shows the thread on the CRM’s staff page, where staff reply and the client is told in the portal and by email', async function () {
    const staffPage = (await staff.get(`/requests/${requestId}`).expect(200)).text;
    expect(staffPage).to.contain('Messages with the client').and.contain('Could the new hours go live on Monday?');
    expect(staffPage).to.contain('Maria García</strong> (client)');
    // Refused in the CRM: the page again, as typed, nothing sent.
    const refused = await staff
      .post(`/requests/${requestId}/replies`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), body: '  ' })
      .expect(400);
    expect(refused.text).to.contain('Write a reply first.');
    h.smtp.clear();
    const replied = await staff
      .post(`/requests/${requestId}/replies`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), body: 'Yes: Monday at nine, once you confirm the new hours.' })
      .expect(303);
    expect(replied.headers.location).to.equal(`/requests/${requestId}#thread`);
    expect((await staff.get(`/requests/${requestId}`).expect(200)).text).to.contain('Yes: Monday at nine');

    // The client's page, oldest first, the agency's reply marked as the agency's.
    const page = (await maria.get(url).expect(200)).text;
    const question = page.indexOf('Could the new hours go live on Monday?');
    const answer = page.indexOf('Yes: Monday at nine');
    expect(question).to.be.greaterThan(-1);
    expect(answer).to.be.greaterThan(question);
    expect(page).to.match(/comment--agency[\s\S]{0,200}<strong>[^<]+<\/strong> · <span>[^<]+\d/);
    const live = await h.crm.db('portal_live_events').where({ workspace_id: String(workspaceId), type: 'comment-created' });
    expect(live.filter((e: { data: { subjectId: string } }) => e.data.subjectId === requestId)).to.have.length(2);

    // Told: in the portal and by email (the kind's default), which request and what was said.
    const said = `The agency replied on your request ${ref} · Request a website change: “Yes: Monday at nine, once you confirm the new hours.”`;
    const list = (await maria.get('/portal/demo/notifications').expect(200)).text;
    expect(list).to.contain(said);
    const notice = /href="(\/portal\/demo\/notifications\/\d+)">(?:<span[^>]*>[^<]*<\/span>)?The agency replied/.exec(list)?.[1];
    expect(notice).to.be.a('string');
    expect((await maria.get(notice!).expect(303)).headers.location).to.equal(url);
    await h.crm.portal.drainOutbox();
    const email = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.text.includes('The agency replied'));
    expect(email.text).to.contain(said);
    expect(email.text + email.subject).to.not.match(/clientNotifications:|requests:/);
    // Olivia (client admin at Northwind) may open the company's requests: told too. Priya's company: not.
    const told = await h.crm
      .db('portal_client_notifications as n')
      .join('client_users as u', 'u.id', 'n.client_user_id')
      .where({ 'n.workspace_id': String(workspaceId), 'n.kind': 'request_reply', 'n.subject_id': requestId })
      .pluck('u.email');
    expect(told).to.include('maria@northwind.test').and.not.include('priya@bluebell.test');
  });

  it('is a 404 for another company’s people and where the section is off', async function () {
    await priya.get(url).expect(404);
    const own = (await priya.get('/portal/demo/requests').expect(200)).text;
    await priya
      .post(`${url}/comments`)
      .type('form')
      .send({ _csrf: csrfFrom(own), body: 'Not mine' })
      .expect(404);
    await priya
      .post('/portal/demo/requests/mine/999999/comments')
      .type('form')
      .send({ _csrf: csrfFrom(own), body: 'Nothing' })
      .expect(404);
    const page = (await maria.get(url).expect(200)).text;
    await setSettings({ show_requests: false });
    try {
      await maria.get(url).expect(404);
      await maria
        .post(`${url}/comments`)
        .type('form')
        .send({ _csrf: csrfFrom(page), body: 'Off' })
        .expect(404);
    } finally {
      await setSettings({ show_requests: true });
    }
    expect(await h.crm.db('client_comments').where({ workspace_id: String(workspaceId), body: 'Not mine' })).to.have.length(0);
    expect(await h.crm.db('client_comments').where({ workspace_id: String(workspaceId), body: 'Off' })).to.have.length(0);
  });

  it('gives the person their messages on requests in their copy of their data', async function () {
    await postFormFrom(maria, '/portal/demo/account/data', '/portal/demo/account/data/export', {}, 303);
    await h.crm.portal.dataExports.run();
    const ready = (await maria.get('/portal/demo/account/data').expect(200)).text;
    const href = /href="([^"]+\/download)"/.exec(ready)![1]!;
    const download = await maria
      .get(href)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const comments = JSON.parse((await unzip(download.body as Buffer)).get('comments.json')!.toString('utf8'));
    const mine = comments.find((c: { body: string }) => c.body === 'Could the new hours go live on Monday?');
    expect(mine?.on).to.deep.equal({ type: 'request', id: requestId });
    expect(comments.map((c: { body: string }) => c.body)).to.not.include('Yes: Monday at nine, once you confirm the new hours.');
  });

  it('lists the request’s thread beside the conversation', async function () {
    await setSettings({ allow_messaging: true });
    const messages = (await maria.get('/portal/demo/messages').expect(200)).text;
    expect(messages).to.contain(`href="${url}#comments"`).and.contain(`${ref} · Request a website change`);
    expect(messages).to.match(/thread-list__kind">Request</);
  });
});
