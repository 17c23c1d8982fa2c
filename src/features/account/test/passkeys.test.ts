// Passkeys over HTTP, with real WebAuthn ceremonies: a software authenticator (ES256 from
// node:crypto, CBOR and COSE built byte by byte, 'none' attestation) answers the portal's own
// options, and @simplewebauthn/server verifies the answers as it would a device's. A client adds
// a passkey from the account (named, listed), signs out and signs in with it alone; a replayed
// assertion, an old counter, another workspace's credential, a removed passkey and a company that
// signs in only through its identity provider are refused and logged; forty identical adds and
// removes have one effect; a form near the size limit is answered with a message; the person's
// export lists the passkeys' names and dates, and erasure removes them.
import { expect } from 'chai';
import { accountPersonalData } from '../personal-data.ts';
import { freePort } from '../../../../test/support/free-port.ts';
import { csrfFrom, type PortalHarness, signedInAgent, startPortalHarness } from '../../../../test/support/portal-harness.ts';
import { createCredential, getAssertion, type SoftCredential } from '../../../../test/support/soft-authenticator.ts';

type Agent = ReturnType<PortalHarness['agent']>;
type Login = { email: string; password: string; workspaceSlug: string };

describe('passkeys', function () {
  let h: PortalHarness;
  let origin: string;
  let alice: Login;
  let bob: Login;
  let hana: Login;

  before(async function () {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'], boot: { port, appUrl: origin } });
    const demo = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo');
    alice = demo[0]!;
    bob = demo[1]!;
    hana = h.crm.clientLogins.find((l) => l.workspaceSlug === 'acme')!;
  });
  after(async function () {
    await h?.close();
  });

  const events = (event: string, email: string) =>
    h.crm
      .db('client_activity_logs')
      .where({ event, email })
      .orderBy('id', 'desc')
      .select<Array<{ details: Record<string, unknown> }>>('details');

  /** The JSON options of a ceremony, asked as public/passkeys.js asks: a POST with the page's token. */
  async function options(agent: Agent, url: string, csrf: string, fields: Record<string, string> = {}) {
    const res = await agent
      .post(url)
      .set('X-CSRF-Token', csrf)
      .type('form')
      .send({ _csrf: csrf, ...fields })
      .expect(200);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.headers['cache-control']).to.contain('no-store');
    return res.body as { challenge: string; rp: { id: string; name: string }; user: { id: string; name: string } };
  }

  /** Adds a passkey as the page's script does: the options asked with the name and the current password, then the answer posted. */
  async function addPasskey(agent: Agent, login: Login, name: string): Promise<SoftCredential> {
    const slug = login.workspaceSlug;
    const page = await agent.get(`/portal/${slug}/account/passkeys`).expect(200);
    const csrf = csrfFrom(page.text);
    const creation = await options(agent, `/portal/${slug}/account/passkeys/options`, csrf, { name, currentPassword: login.password });
    const { credential, response } = createCredential(creation, origin);
    const res = await agent
      .post(`/portal/${slug}/account/passkeys`)
      .type('form')
      .send({ _csrf: csrf, name, response: JSON.stringify(response) });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal(`/portal/${slug}/account/passkeys?notice=added`);
    return credential;
  }

  /** A sign-in with a passkey alone from a fresh browser; resolves with the agent and the answer. */
  async function signInWith(
    credential: SoftCredential,
    slug = 'demo',
    settings: { counter?: number; userVerified?: boolean } = {},
    agent: Agent = h.agent(),
  ) {
    const page = await agent.get(`/portal/${slug}/sign-in`).expect(200);
    const csrf = csrfFrom(page.text);
    const request = await options(agent, `/portal/${slug}/sign-in/passkey/options`, csrf);
    const response = getAssertion(credential, request, origin, settings);
    const res = await agent
      .post(`/portal/${slug}/sign-in/passkey`)
      .type('form')
      .send({ _csrf: csrf, response: JSON.stringify(response) });
    return { agent, res, response, csrf };
  }

  let alicePasskey: SoftCredential;

  it('adds a named passkey from the account: listed, logged, only its public key kept', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', alice);
    const account = await agent.get('/portal/demo/account').expect(200);
    expect(account.text).to.contain('/portal/demo/account/passkeys');
    const page = await agent.get('/portal/demo/account/passkeys').expect(200);
    expect(page.text).to.contain('You have no passkeys yet.').and.contain('name="currentPassword"');
    // "Is it really you?" first: without the right password no ceremony starts.
    for (const currentPassword of ['', 'not-her-password']) {
      const refused = await agent
        .post('/portal/demo/account/passkeys/options')
        .set('X-CSRF-Token', csrfFrom(page.text))
        .type('form')
        .send({ _csrf: csrfFrom(page.text), currentPassword })
        .expect(400);
      expect(Object.values(refused.body.errors as Record<string, string>)[0]).to.match(/current password/);
    }
    // The options: this portal's host as RP ID, discoverable, verified where the device can.
    const creation = (await options(agent, '/portal/demo/account/passkeys/options', csrfFrom(page.text), {
      currentPassword: alice.password,
    })) as unknown as Record<string, unknown> & {
      rp: { id: string };
      authenticatorSelection: Record<string, unknown>;
      attestation: string;
    };
    expect(creation.rp.id).to.equal('localhost');
    expect(creation.authenticatorSelection).to.include({ residentKey: 'required', userVerification: 'preferred' });
    expect(creation.attestation).to.equal('none');

    alicePasskey = await addPasskey(agent, alice, 'Work laptop <b>');
    const list = await agent.get('/portal/demo/account/passkeys?notice=added').expect(200);
    expect(list.text).to.contain('Your passkey was added.').and.contain('Work laptop &lt;b&gt;').and.contain('Not used yet');
    const rows = await h.crm
      .db('client_passkeys')
      .where({ credential_id: alicePasskey.id.toString('base64url') })
      .select();
    expect(rows).to.have.length(1);
    expect(rows[0].name).to.equal('Work laptop <b>');
    expect(rows[0].transports).to.equal('internal');
    expect(Number(rows[0].sign_count)).to.equal(0);
    expect(await events('passkey.added', alice.email)).to.have.length(1);
  });

  it('signs in with the passkey alone after signing out: no email, no password, no code', async function () {
    const { agent, res } = await signInWith(alicePasskey);
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal('/portal/demo/');
    const account = await agent.get('/portal/demo/account').expect(200);
    expect(account.text).to.contain(alice.email);
    const [succeeded] = await events('sign_in.succeeded', alice.email);
    expect(succeeded!.details).to.include({ method: 'passkey' });
    const row = await h.crm
      .db('client_passkeys')
      .where({ credential_id: alicePasskey.id.toString('base64url') })
      .first();
    expect(row.last_used_at).to.be.an.instanceOf(Date);
    expect(Number(row.sign_count)).to.equal(1);
    // Signing out ends it: the account page sends back to sign-in.
    await agent
      .post('/portal/demo/sign-out')
      .type('form')
      .send({ _csrf: csrfFrom(account.text) })
      .expect(303);
    expect((await agent.get('/portal/demo/account')).status).to.equal(303);
  });

  it('refuses a replayed assertion and an old counter, and logs why', async function () {
    const first = await signInWith(alicePasskey);
    expect(first.res.status).to.equal(303);
    expect(first.res.headers.location).to.equal('/portal/demo/');
    // The same answer again, from another browser: without a challenge of its own, or with a new one it does not answer.
    const thief = h.agent();
    const page = await thief.get('/portal/demo/sign-in').expect(200);
    const csrf = csrfFrom(page.text);
    const replay = () =>
      thief
        .post('/portal/demo/sign-in/passkey')
        .type('form')
        .send({ _csrf: csrf, response: JSON.stringify(first.response) });
    expect((await replay()).headers.location).to.equal('/portal/demo/sign-in?passkey=expired');
    await options(thief, '/portal/demo/sign-in/passkey/options', csrf);
    expect((await replay()).headers.location).to.equal('/portal/demo/sign-in?passkey=failed');
    expect((await events('sign_in.failed', alice.email))[0]!.details).to.include({ method: 'passkey', reason: 'invalid_assertion' });
    // A fresh challenge signed with a counter already seen: a copied authenticator.
    const old = await signInWith(alicePasskey, 'demo', { counter: 1 });
    expect(old.res.headers.location).to.equal('/portal/demo/sign-in?passkey=failed');
    const failures = (await events('sign_in.failed', alice.email)).map((e) => e.details);
    expect(failures[0]).to.include({ method: 'passkey', reason: 'replayed' });
    const refused = await old.agent.get('/portal/demo/sign-in?passkey=failed').expect(200);
    expect(refused.text).to.contain('That passkey did not sign you in.');
    expect((await old.agent.get('/portal/demo/account')).status).to.equal(303);
  });

  it("refuses another workspace's passkey", async function () {
    const hanaAgent = await signedInAgent(h.agent(), 'acme', hana);
    const hanaPasskey = await addPasskey(hanaAgent, hana, 'Phone');
    const { res, agent } = await signInWith(hanaPasskey, 'demo');
    expect(res.headers.location).to.equal('/portal/demo/sign-in?passkey=failed');
    expect((await agent.get('/portal/demo/account')).status).to.equal(303);
    const [logged] = await h.crm
      .db('client_activity_logs')
      .where({ event: 'sign_in.failed' })
      .whereNull('client_user_id')
      .orderBy('id', 'desc')
      .select('details');
    expect(logged.details).to.include({ method: 'passkey', reason: 'unknown_passkey' });
    // At its own workspace it works.
    expect((await signInWith(hanaPasskey, 'acme')).res.headers.location).to.equal('/portal/acme/');
  });

  it('refuses a registration answer offered as a sign-in, and a sign-in without options', async function () {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    const csrf = csrfFrom(page.text);
    const res = await agent
      .post('/portal/demo/sign-in/passkey')
      .type('form')
      .send({ _csrf: csrf, response: JSON.stringify(getAssertion(alicePasskey, { challenge: 'bm90LWlzc3VlZA' }, origin)) });
    expect(res.headers.location).to.equal('/portal/demo/sign-in?passkey=expired');
    const garbage = await agent.post('/portal/demo/sign-in/passkey').type('form').send({ _csrf: csrf, response: '{"id":' });
    expect(garbage.status).to.equal(303);
    expect(garbage.headers.location).to.equal('/portal/demo/sign-in?passkey=failed');
  });

  it('removes a passkey after asking; forty removals at once remove it once; it no longer signs in', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', bob);
    const bobPasskey = await addPasskey(agent, bob, 'Old phone');
    const row = await h.crm
      .db('client_passkeys')
      .where({ credential_id: bobPasskey.id.toString('base64url') })
      .first('id');
    const confirm = await agent.get(`/portal/demo/account/passkeys/${row.id}/remove`).expect(200);
    expect(confirm.text).to.contain('Remove this passkey?').and.contain('Old phone');
    // Another person's passkey is not theirs to remove: Alice's stays.
    const alices = await h.crm
      .db('client_passkeys')
      .where({ credential_id: alicePasskey.id.toString('base64url') })
      .first('id');
    await agent
      .post(`/portal/demo/account/passkeys/${alices.id}/remove`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) })
      .expect(303);
    expect(await h.crm.db('client_passkeys').where({ id: alices.id }).first('id')).to.not.equal(undefined);
    await agent.get('/portal/demo/account/passkeys/not-an-id/remove').expect(404);

    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        agent
          .post(`/portal/demo/account/passkeys/${row.id}/remove`)
          .type('form')
          .send({ _csrf: csrfFrom(confirm.text) }),
      ),
    );
    expect(answers.filter((a) => a.status >= 500)).to.have.length(0);
    expect(answers.filter((a) => a.headers.location === '/portal/demo/account/passkeys?notice=removed')).to.have.length(1);
    expect(await events('passkey.removed', bob.email)).to.have.length(1);
    const { res } = await signInWith(bobPasskey);
    expect(res.headers.location).to.equal('/portal/demo/sign-in?passkey=failed');
  });

  it('forty identical additions at once add one passkey; a form near the size limit gets a message', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', bob);
    const page = await agent.get('/portal/demo/account/passkeys').expect(200);
    const csrf = csrfFrom(page.text);
    const before = await h.crm.db('client_passkeys').count({ n: '*' });
    const creation = await options(agent, '/portal/demo/account/passkeys/options', csrf, { currentPassword: bob.password });
    const { response } = createCredential(creation, origin);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        agent
          .post('/portal/demo/account/passkeys')
          .type('form')
          .send({ _csrf: csrf, name: 'Tablet', response: JSON.stringify(response) }),
      ),
    );
    expect(answers.filter((a) => a.status >= 500)).to.have.length(0);
    expect(answers.filter((a) => a.status === 303)).to.have.length(1);
    const after = await h.crm.db('client_passkeys').count({ n: '*' });
    expect(Number(after[0]!.n) - Number(before[0]!.n)).to.equal(1);

    const started = Date.now();
    const near = await agent
      .post('/portal/demo/account/passkeys')
      .type('form')
      .send({ _csrf: csrf, name: 'Big', response: 'x'.repeat(30_000) })
      .expect(400);
    expect(near.text).to.contain('Use “Create passkey” and follow your device’s prompt.');
    const noName = await agent
      .post('/portal/demo/account/passkeys')
      .type('form')
      .send({ _csrf: csrf, name: ' ', response: '' })
      .expect(400);
    expect(noName.text).to.contain('Enter a name for the passkey.');
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('with two-factor on: a verified passkey is both factors; an unverified one is one, and her passkey may be the second', async function () {
    const carol: Login = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo')[2]!;
    const agent = await signedInAgent(h.agent(), 'demo', carol);
    const passkey = await addPasskey(agent, carol, 'Phone');
    const user = await h.crm.db('client_users').where({ email: carol.email }).first('id', 'workspace_id');
    await h.crm.db('client_two_factor').insert({
      workspace_id: user.workspace_id,
      client_user_id: user.id,
      secret_ciphertext: 'not used here',
      enabled_at: new Date(),
    });
    // Verified by the device (fingerprint, face, PIN): signed in at once.
    expect((await signInWith(passkey)).res.headers.location).to.equal('/portal/demo/');
    // Presence only: one factor, the second asked for.
    const unverified = await signInWith(passkey, 'demo', { userVerified: false });
    expect(unverified.res.headers.location).to.equal('/portal/demo/sign-in/two-factor');
    const page = await unverified.agent.get('/portal/demo/sign-in/two-factor').expect(200);
    expect(page.text).to.contain('Use a passkey').and.contain('data-passkey-form="second-factor"');
    const csrf = csrfFrom(page.text);
    // Another person's passkey does not stand for hers.
    const wrongRequest = await options(unverified.agent, '/portal/demo/sign-in/two-factor/passkey/options', csrf);
    const wrong = await unverified.agent
      .post('/portal/demo/sign-in/two-factor/passkey')
      .type('form')
      .send({ _csrf: csrf, response: JSON.stringify(getAssertion(alicePasskey, wrongRequest, origin)) });
    expect(wrong.headers.location).to.equal('/portal/demo/sign-in/two-factor?passkey=failed');
    expect((await unverified.agent.get('/portal/demo/account')).status).to.equal(303);
    // Her own: offered by id, and it completes the sign-in.
    const request = (await options(unverified.agent, '/portal/demo/sign-in/two-factor/passkey/options', csrf)) as unknown as {
      challenge: string;
      allowCredentials: Array<{ id: string }>;
    };
    expect(request.allowCredentials.map((c) => c.id)).to.deep.equal([passkey.id.toString('base64url')]);
    const passed = await unverified.agent
      .post('/portal/demo/sign-in/two-factor/passkey')
      .type('form')
      .send({ _csrf: csrf, response: JSON.stringify(getAssertion(passkey, request, origin, { userVerified: false })) });
    expect(passed.headers.location).to.equal('/portal/demo/');
    await unverified.agent.get('/portal/demo/account').expect(200);
    expect((await events('two_factor.passed', carol.email))[0]!.details).to.include({ method: 'passkey', via: 'passkey' });
    expect((await events('two_factor.failed', carol.email))[0]!.details).to.include({ via: 'passkey' });
    // Without a pending sign-in there is nothing to offer.
    const stranger = h.agent();
    const signIn = await stranger.get('/portal/demo/sign-in').expect(200);
    await stranger
      .post('/portal/demo/sign-in/two-factor/passkey/options')
      .set('X-CSRF-Token', csrfFrom(signIn.text))
      .type('form')
      .send({ _csrf: csrfFrom(signIn.text) })
      .expect(404);
    await h.crm.db('client_two_factor').where({ workspace_id: user.workspace_id, client_user_id: user.id }).delete();
  });

  it('refuses passkeys to a company that signs in only through its identity provider', async function () {
    const user = await h.crm.db('client_users').where({ email: alice.email }).first('workspace_id', 'client_id');
    // Signed in before the agency made the company sign in only through its provider.
    const signedIn = await signedInAgent(h.agent(), 'demo', alice);
    const providerId = '6b1f5a52-3f4a-4c1e-9d55-2f7f3a1b0c11';
    await h.crm.db('portal_sso_providers').insert({
      workspace_id: user.workspace_id,
      id: providerId,
      display_name: 'Northwind login',
      issuer_url: 'https://login.northwind.test',
      client_id: 'portal',
    });
    await h.crm.db('portal_sso_bindings').insert({
      workspace_id: user.workspace_id,
      client_id: user.client_id,
      provider_id: providerId,
      email_domains: [alice.email.split('@')[1]],
      sign_in_mode: 'sso_only',
    });
    // Every instance's cached directory of providers is dropped, as an admin's change does (on the
    // portal's event bus: PostgreSQL's NOTIFY on a server, in-process on the embedded database).
    await h.crm.portal.events.publish('single-sign-on.changed', { workspaceId: user.workspace_id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const { res } = await signInWith(alicePasskey);
      expect(res.headers.location).to.equal('/portal/demo/sign-in?passkey=singleSignOnOnly');
      const [refused] = await events('sign_in.failed', alice.email);
      expect(refused!.details).to.include({ method: 'passkey', reason: 'single_sign_on_only' });
      // Her session from before: the account offers no passkeys, and their pages do not exist for her.
      const account = await signedIn.get('/portal/demo/account').expect(200);
      expect(account.text).to.not.contain('/account/passkeys');
      await signedIn.get('/portal/demo/account/passkeys').expect(404);
      await signedIn
        .post('/portal/demo/account/passkeys/options')
        .set('X-CSRF-Token', csrfFrom(account.text))
        .type('form')
        .send({ _csrf: csrfFrom(account.text) })
        .expect(404);
    } finally {
      await h.crm.db('portal_sso_providers').where({ id: providerId }).delete();
      await h.crm.portal.events.publish('single-sign-on.changed', { workspaceId: user.workspace_id });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  });

  it("puts the passkeys' names and dates in the person's export, and erasure removes them", async function () {
    const user = await h.crm.db('client_users').where({ email: alice.email }).first();
    const hook = accountPersonalData(h.crm.db);
    const exported = (await hook.export!({ workspaceId: user.workspace_id, user } as never)) as {
      profile: { passkeys: Array<Record<string, unknown>> };
    };
    expect(exported.profile.passkeys).to.have.length(1);
    expect(exported.profile.passkeys[0]).to.have.keys(['name', 'addedAt', 'lastUsedAt']);
    expect(JSON.stringify(exported)).to.not.contain(alicePasskey.id.toString('base64url'));
    await h.crm.db.transaction((trx) => hook.erase!(trx, { workspaceId: user.workspace_id, id: user.id } as never));
    expect(await h.crm.db('client_passkeys').where({ client_user_id: user.id })).to.have.length(0);
  });
});
