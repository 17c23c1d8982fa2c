// The account page: the profile is saved to the host contact through the adapter, passwords
// change (ending other sessions), sessions are listed and signed out, and each action is logged.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('client account page', function () {
  let h: PortalHarness;
  let login: { email: string; password: string; name: string };

  before(async function () {
    h = await startPortalHarness();
    login = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo')[1]!;
  });
  after(async function () {
    await h.close();
  });

  const signedIn = () => signedInAgent(h.agent(), 'demo', login);

  it('shows name, email, phone and the sessions, and saves the profile to the host contact', async function () {
    const agent = await signedIn();
    const page = await agent.get('/portal/demo/account').expect(200);
    expect(page.text).to.contain(login.email);
    expect(page.text).to.contain('This session');
    const saved = await agent
      .post('/portal/demo/account/profile')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), name: 'Renamed Person', phone: '+1 555 0100' });
    // Post/redirect/get: back to the page, whose notice a reload shows again harmlessly.
    expect(saved.status).to.equal(303);
    expect(saved.headers.location).to.equal('/portal/demo/account?notice=profile-saved');
    expect((await agent.get(String(saved.headers.location)).expect(200)).text).to.contain('Your profile is saved.');
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const [contact] = await h.crm.adapter.contacts.findByEmail(workspace.id, login.email);
    expect(contact!.name).to.equal('Renamed Person');
    expect(contact!.phone).to.equal('+1 555 0100');
    const logged = await h.crm.db('client_activity_logs').where({ event: 'account.updated', email: login.email }).count({ n: '*' });
    expect(Number(logged[0]!.n)).to.equal(1);
  });

  it('rejects a bad phone number and an empty name with messages, keeping the page', async function () {
    const agent = await signedIn();
    const page = await agent.get('/portal/demo/account').expect(200);
    const res = await agent
      .post('/portal/demo/account/profile')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), name: '', phone: '<script>' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Enter your name.');
    expect(res.text).to.contain('Use only digits');
    expect(res.text).to.not.contain('<script>');
    // What was typed is shown again (escaped), not the stored values.
    expect(res.text).to.contain('id="profile-phone" name="phone" type="tel" autocomplete="tel" maxlength="50" value="&lt;script&gt;"');
    expect(res.text).to.match(/id="profile-name"[^>]*value=""/);
  });

  it('refuses a name holding bidi controls or zero-width characters, in the reader’s language', async function () {
    const agent = await signedIn();
    const page = await agent.get('/portal/demo/account').expect(200);
    const save = (name: string, language = 'en') =>
      agent
        .post('/portal/demo/account/profile')
        .set('Accept-Language', language)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), name, phone: '' });
    for (const name of ['Renamed \u202Egnihton\u202C', 'Re\u200Dnamed', 'Renamed\u200E', 'Re\u2060named']) {
      const refused = await save(name);
      expect(refused.status, JSON.stringify(name)).to.equal(400);
      expect(refused.text).to.contain('A name cannot hold invisible characters that change how text is shown');
    }
    const german = await save('Renamed \u2067x\u2069', 'de');
    expect(german.status).to.equal(400);
    expect(german.text).to.contain('Ein Name darf keine unsichtbaren Zeichen enthalten');
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const [contact] = await h.crm.adapter.contacts.findByEmail(workspace.id, login.email);
    expect(contact!.name).to.not.match(/[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
  });

  it('keeps the joiners a script spells with: a Persian name with a non-joiner, a Hindi one with a joiner', async function () {
    const agent = await signedIn();
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    for (const name of ['\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Rezaei', 'Priya \u0915\u094d\u200d\u0937']) {
      const page = await agent.get('/portal/demo/account').expect(200);
      await agent
        .post('/portal/demo/account/profile')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), name, phone: '' })
        .expect(303);
      const [contact] = await h.crm.adapter.contacts.findByEmail(workspace.id, login.email);
      expect(contact!.name).to.equal(name);
    }
  });

  it('changes the password, refusing a wrong current one, and signs out other sessions', async function () {
    const other = await signedIn();
    const agent = await signedIn();
    const page = await agent.get('/portal/demo/account').expect(200);
    const next = 'changed-password-123';
    const wrong = await agent
      .post('/portal/demo/account/password')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: 'nope', password: next, confirmPassword: next });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('That is not your current password.');
    const mismatch = await agent
      .post('/portal/demo/account/password')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: login.password, password: next, confirmPassword: 'different-one' });
    expect(mismatch.status).to.equal(400);
    expect(mismatch.text).to.contain('The two passwords do not match.');
    const done = await agent
      .post('/portal/demo/account/password')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: login.password, password: next, confirmPassword: next });
    expect(done.status).to.equal(303);
    expect((await agent.get(String(done.headers.location)).expect(200)).text).to.contain('Your password is changed.');
    await agent.get('/portal/demo/').expect(200);
    await other.get('/portal/demo/').expect(303);
    const events = await h.crm.db('client_activity_logs').where({ event: 'password.changed', email: login.email }).count({ n: '*' });
    expect(Number(events[0]!.n)).to.equal(1);
    // Put the demo password back.
    const again = await agent.get('/portal/demo/account');
    await agent
      .post('/portal/demo/account/password')
      .type('form')
      .send({ _csrf: csrfFrom(again.text), currentPassword: next, password: login.password, confirmPassword: login.password })
      .expect(303);
  });

  it('signs out one other session, then all others', async function () {
    const a = await signedIn();
    const b = await signedIn();
    const c = await signedIn();
    const page = await a.get('/portal/demo/account').expect(200);
    const ids = [...page.text.matchAll(/sessions\/([0-9a-f]{64})\/revoke/g)].map((m) => m[1]!);
    expect(ids.length).to.be.greaterThan(1);
    const one = await a
      .post(`/portal/demo/account/sessions/${ids[0]}/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(one.status).to.equal(303);
    const stillIn = [(await b.get('/portal/demo/')).status, (await c.get('/portal/demo/')).status];
    expect(stillIn.filter((s) => s === 303)).to.have.length(1);
    const rest = await a
      .post('/portal/demo/account/sessions/revoke-others')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(rest.status).to.equal(303);
    await b.get('/portal/demo/').expect(303);
    await c.get('/portal/demo/').expect(303);
    await a.get('/portal/demo/').expect(200);
  });

  it('answers 404 for a malformed or unknown session id', async function () {
    const agent = await signedIn();
    const page = await agent.get('/portal/demo/account').expect(200);
    for (const id of ['not-a-session', 'f'.repeat(64)]) {
      const res = await agent
        .post(`/portal/demo/account/sessions/${id}/revoke`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      expect(res.status, id).to.equal(404);
    }
  });

  it('answers a visit to a form address with the page', async function () {
    const agent = await signedIn();
    for (const path of ['/account/profile', '/account/password', '/account/preferences']) {
      const res = await agent.get(`/portal/demo${path}`).expect(303);
      expect(res.headers.location, path).to.equal('/portal/demo/account');
    }
  });

  it("keeps the client's language and time zone, refusing ones it does not know", async function () {
    const agent = await signedIn();
    const page = await agent.get('/portal/demo/account').expect(200);
    const wrong = await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale: 'xx', timeZone: 'Mars/Olympus' });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('Choose a language from the list.').and.to.contain('Choose a time zone from the list.');
    const saved = await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale: 'de', timeZone: 'Asia/Tokyo' });
    expect(saved.status).to.equal(303);
    const after = await agent.get('/portal/demo/account').set('Accept-Language', 'en').expect(200);
    expect(after.text).to.contain('<html lang="de">').and.to.contain('Derzeit: Deutsch, Asia/Tokyo.');
    // The saved zone is the one option selected in the list of every zone.
    expect(after.text.match(/<option value="[^"]*\/[^"]*"[^>]*>/g)!.length).to.be.greaterThan(300);
    expect(after.text.match(/<option value="[^"]*\/[^"]*" selected>/g)).to.deep.equal(['<option value="Asia/Tokyo" selected>']);
    // The sessions list too: German words, the time in Tokyo (not "… UTC").
    expect(after.text)
      .to.contain('Unbekanntes Gerät')
      .and.not.to.match(/\d UTC</);
    expect(after.text).not.to.contain('Unknown device');
    const back = await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(after.text), locale: '', timeZone: '' });
    expect(back.status).to.equal(303);
    expect((await agent.get('/portal/demo/account').set('Accept-Language', 'en').expect(200)).text).to.contain('<html lang="en">');
  });

  it('refuses a new password that is too short or one of the common ones, in the reader’s language', async function () {
    const agent = await signedIn();
    const page = await agent.get('/portal/demo/account').expect(200);
    const change = (password: string, language = 'en') =>
      agent
        .post('/portal/demo/account/password')
        .set('Accept-Language', language)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), currentPassword: login.password, password, confirmPassword: password });
    const short = await change('short-pw');
    expect(short.status).to.equal(400);
    expect(short.text).to.contain('Use at least 10 characters for your password.');
    // Common passwords, whatever their letter case, as NIST SP 800-63B asks.
    for (const common of ['1234567890', 'Password123', 'QWERTYUIOP']) {
      const refused = await change(common);
      expect(refused.status, common).to.equal(400);
      expect(refused.text).to.contain('That password is one of the most common ones and easy to guess. Choose another.');
    }
    const german = await change('1234567890', 'de');
    expect(german.status).to.equal(400);
    expect(german.text).to.contain('Dieses Passwort gehört zu den häufigsten und ist leicht zu erraten. Wählen Sie ein anderes.');
    // The password was never changed: the current one still signs in.
    await signedIn();
  });

  it('offers no password form, and refuses a password change, while password sign-in is off', async function () {
    const agent = await signedIn();
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspace.id, login_with_password: false, login_with_code: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(workspace.id);
    try {
      const page = await agent.get('/portal/demo/account').expect(200);
      expect(page.text).to.not.contain('/account/password');
      await agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({
          _csrf: csrfFrom(page.text),
          currentPassword: login.password,
          password: 'another-password-1',
          confirmPassword: 'another-password-1',
        })
        .expect(404);
    } finally {
      await h.crm.db('workspace_client_portal_settings').where({ workspace_id: workspace.id }).update({ login_with_password: true });
      await h.crm.portal.workspaceChanged(workspace.id);
    }
  });
});
