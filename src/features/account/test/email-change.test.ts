// Changing the sign-in email over HTTP on the reference CRM, with a real SMTP server: the current
// password is needed; an address another client user signs in with is answered like any other
// and sent nothing (the form tells no one which addresses have accounts); a code goes to the new address and a wrong one is refused; the right one changes the
// client user and the host contact together, tells the old address, ends every other session and
// keeps this one; each step is logged. Every form answers with a redirect to a GET page.
import { expect } from 'chai';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInAgent,
  sixDigitCode,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';

describe('changing the sign-in email', function () {
  let h: PortalHarness;
  let maria: { email: string; password: string };
  let other: { email: string; password: string };

  before(async function () {
    h = await startPortalHarness();
    const demo = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo');
    maria = demo[0]!;
    other = demo[1]!;
  });
  after(async function () {
    await h?.close();
  });

  it('asks for the password, refuses an address in use, and confirms the new one with a code', async function () {
    const elsewhere = await signedInAgent(h.agent(), 'demo', maria);
    const agent = await signedInAgent(h.agent(), 'demo', maria);
    const account = await agent.get('/portal/demo/account').expect(200);
    expect(account.text).to.contain('href="/portal/demo/account/email"');
    const page = await agent.get('/portal/demo/account/email').expect(200);
    const csrf = csrfFrom(page.text);

    const noPassword = await agent.post('/portal/demo/account/email').type('form').send({ _csrf: csrf, email: 'maria.new@example.test' });
    expect(noPassword.status).to.equal(400);
    expect(noPassword.text).to.contain('Enter your current password');
    // What was typed stays in the field.
    expect(noPassword.text).to.match(/id="new-email"[^>]*value="maria.new@example.test"/);

    h.smtp.clear();
    const taken = await agent
      .post('/portal/demo/account/email')
      .type('form')
      .send({ _csrf: csrf, email: other.email.toUpperCase(), currentPassword: maria.password });
    expect(taken.status).to.equal(303);
    expect(taken.headers.location).to.equal('/portal/demo/account/email/confirm');

    h.smtp.clear();
    const requested = await agent
      .post('/portal/demo/account/email')
      .type('form')
      .send({ _csrf: csrf, email: 'Maria.New@Example.test', currentPassword: maria.password });
    expect(requested.status).to.equal(303);
    expect(requested.headers.location).to.equal('/portal/demo/account/email/confirm');
    await h.crm.portal.drainOutbox();
    const codeMail = await h.smtp.waitForMessage((m) => m.to.includes('maria.new@example.test'));
    const code = sixDigitCode(codeMail.subject);
    expect(h.smtp.messages.filter((m) => m.to.includes(other.email))).to.deep.equal([]);

    const confirmPage = await agent.get('/portal/demo/account/email/confirm').expect(200);
    expect(confirmPage.text).to.contain('maria.new@example.test');
    // A session that did not ask (another tab's, or one whose write lost to another request) finds
    // the pending address in the code's own row, not a way back to the form.
    const fromElsewhere = await elsewhere.get('/portal/demo/account/email/confirm').expect(200);
    expect(fromElsewhere.text).to.contain('maria.new@example.test');
    const wrong = await agent
      .post('/portal/demo/account/email/confirm')
      .type('form')
      .send({ _csrf: csrf, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('That code is not right');

    const done = await agent.post('/portal/demo/account/email/confirm').type('form').send({ _csrf: csrf, code });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/portal/demo/account/email?notice=changed');
    const after = await agent.get(String(done.headers.location)).expect(200);
    expect(after.text).to.contain('Your sign-in email is changed.');
    expect(after.text).to.contain('maria.new@example.test');

    // The portal and the host contact both changed.
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    expect(
      await h.crm
        .db('client_users')
        .where({ workspace_id: workspace.id, email: 'maria.new@example.test' })
        .count({ n: '*' })
        .then((r) => Number(r[0]!.n)),
    ).to.equal(1);
    const [contact] = await h.crm.adapter.contacts.findByEmail(workspace.id, 'maria.new@example.test');
    expect(contact?.name).to.equal('Maria García');
    expect(await h.crm.adapter.contacts.findByEmail(workspace.id, maria.email)).to.deep.equal([]);
    // The old address is told.
    await h.crm.portal.drainOutbox();
    const notice = await h.smtp.waitForMessage((m) => m.to.includes(maria.email));
    expect(notice.text).to.contain('maria.new@example.test');
    // This session goes on; the other one ended; the new address signs in, the old one no longer.
    await agent.get('/portal/demo/').expect(200);
    await elsewhere.get('/portal/demo/').expect(303);
    expect((await postPasswordSignIn(h.agent(), 'demo', { email: 'maria.new@example.test', password: maria.password })).status).to.equal(
      303,
    );
    expect((await postPasswordSignIn(h.agent(), 'demo', maria)).status).to.equal(401);
    const logged = await h.crm
      .db('client_activity_logs')
      .whereIn('event', ['email.change_requested', 'email.changed'])
      .orderBy('id')
      .pluck('event');
    expect(logged).to.deep.equal(['email.change_requested', 'email.change_requested', 'email.changed']);
  });

  it('sends nothing for a code reload, and the confirmation page without a code sent goes back to the form', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', other);
    const res = await agent.get('/portal/demo/account/email/confirm');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/portal/demo/account/email');
  });
});
