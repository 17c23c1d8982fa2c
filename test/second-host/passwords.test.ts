// Covers password changes for clients of the second, Dolibarr-like host: a reset through the
// emailed link and a change on the account page both write a new argon2id hash into the host's
// own llx_socpeople.pass_crypted (the portal keeps none), the old password stops working and the
// new one signs in.
import { verify as argonVerify } from '@node-rs/argon2';
import { expect } from 'chai';
import { csrfFrom, linkFrom, postPasswordSignIn } from '../support/portal-harness.ts';
import { SECOND_LOGINS, SECOND_WORKSPACE, startSecondHost, type SecondHost } from '../support/second-host-harness.ts';

const BASE = `/portal/${SECOND_WORKSPACE}`;

describe('second host: passwords are changed in the host', function () {
  let h: SecondHost;

  before(async function () {
    h = await startSecondHost();
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    // Mail of the previous test is delivered before the capture is cleared, so it cannot arrive late.
    await h.portal.drainOutbox();
    h.smtp.clear();
    await h.db('portal_request_guards').delete();
    await h.db('portal_rate_limits').delete();
  });

  type Agent = ReturnType<SecondHost['agent']>;

  const signIn = (agent: Agent, email: string, password: string) => postPasswordSignIn(agent, SECOND_WORKSPACE, { email, password });

  const hostHash = async (rowid: number): Promise<string> =>
    (await h.db('llx_socpeople').where({ rowid }).first('pass_crypted')).pass_crypted as string;

  it('resets a bcrypt contact\'s password through the emailed link, into an argon2id hash on llx_socpeople', async function () {
    const { marc } = SECOND_LOGINS;
    const oldHash = await hostHash(2);
    expect(oldHash).to.match(/^\$2y\$/);
    const agent = h.agent();
    const page = await agent.get(`${BASE}/password/forgot`).expect(200);
    const sent = await agent.post(`${BASE}/password/forgot`).type('form').send({ _csrf: csrfFrom(page.text), email: marc.email });
    expect(sent.status).to.equal(200);
    const message = await h.smtp.waitForMessage((m) => m.to.includes(marc.email), 5000);
    const link = linkFrom(message.text, '/password/reset/');

    const next = 'Marc-new-garage-password';
    const form = await agent.get(link).expect(200);
    const done = await agent.post(link).type('form').send({ _csrf: csrfFrom(form.text), password: next, confirmPassword: next });
    expect(done.status).to.equal(303);
    await agent.get(`${BASE}/`).expect(200);

    const newHash = await hostHash(2);
    expect(newHash).to.match(/^\$argon2id\$/);
    expect(await argonVerify(newHash, next)).to.equal(true);
    expect((await signIn(h.agent(), marc.email, marc.password)).status).to.equal(401);
    expect((await signIn(h.agent(), marc.email, next)).status).to.equal(303);
    const user = await h.db('client_users').where({ workspace_id: '1', contact_id: marc.contactId }).first('password_hash');
    expect(user.password_hash).to.equal(null);
    await h.agent().get(link).expect(410);
  });

  it('changes the password from the account page, in the host, asking for the current one first', async function () {
    const { claire } = SECOND_LOGINS;
    const agent = h.agent();
    expect((await signIn(agent, claire.email, claire.password)).status).to.equal(303);
    const page = await agent.get(`${BASE}/account`).expect(200);
    expect(page.text).to.contain(claire.email);
    const next = 'Claire-new-bakery-password';
    const wrong = await agent
      .post(`${BASE}/account/password`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: 'not-it', password: next, confirmPassword: next });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('That is not your current password.');
    const before = await hostHash(1);

    const done = await agent
      .post(`${BASE}/account/password`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: claire.password, password: next, confirmPassword: next });
    expect(done.status).to.equal(303);
    expect((await agent.get(String(done.headers.location)).expect(200)).text).to.contain('Your password is changed.');
    const after = await hostHash(1);
    expect(after).to.not.equal(before);
    expect(after).to.match(/^\$argon2id\$/);
    expect(await argonVerify(after, next)).to.equal(true);
    expect((await signIn(h.agent(), claire.email, claire.password)).status).to.equal(401);
    expect((await signIn(h.agent(), claire.email, next)).status).to.equal(303);
  });

  it('a password change in the host voids the reset links sent before', async function () {
    const { sophie } = SECOND_LOGINS;
    const anonymous = h.agent();
    const forgot = await anonymous.get(`${BASE}/password/forgot`).expect(200);
    await anonymous.post(`${BASE}/password/forgot`).type('form').send({ _csrf: csrfFrom(forgot.text), email: sophie.email }).expect(200);
    const link = linkFrom((await h.smtp.waitForMessage((m) => m.to.includes(sophie.email), 5000)).text, '/password/reset/');
    await h.agent().get(link).expect(200);

    const agent = h.agent();
    expect((await signIn(agent, sophie.email, sophie.password)).status).to.equal(303);
    const page = await agent.get(`${BASE}/account`).expect(200);
    const next = 'Giulia-new-cave-password';
    await agent.post(`${BASE}/account/password`).type('form').send({ _csrf: csrfFrom(page.text), currentPassword: sophie.password, password: next, confirmPassword: next }).expect(303);
    await h.agent().get(link).expect(410);
    // Her own password again, for the other tests.
    const again = await agent.get(`${BASE}/account`).expect(200);
    await agent.post(`${BASE}/account/password`).type('form').send({ _csrf: csrfFrom(again.text), currentPassword: next, password: sophie.password, confirmPassword: sophie.password }).expect(303);
  });

  it('saves the profile to the host contact\'s firstname, lastname and phone_pro', async function () {
    const { sophie } = SECOND_LOGINS;
    const agent = h.agent();
    expect((await signIn(agent, sophie.email, sophie.password)).status).to.equal(303);
    const page = await agent.get(`${BASE}/account`).expect(200);
    const saved = await agent.post(`${BASE}/account/profile`).type('form').send({ _csrf: csrfFrom(page.text), name: 'Sophie Anne Martin', phone: '+33 3 20 00 00 99' });
    expect(saved.status).to.equal(303);
    expect((await agent.get(String(saved.headers.location)).expect(200)).text).to.contain('Your profile is saved.');
    const row = await h.db('llx_socpeople').where({ rowid: 7 }).first('firstname', 'lastname', 'phone_pro');
    expect(row).to.deep.equal({ firstname: 'Sophie Anne', lastname: 'Martin', phone_pro: '+33 3 20 00 00 99' });
  });
});
