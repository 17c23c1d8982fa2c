// Rotating SESSION_SECRET with the old value in SESSION_SECRET_PREVIOUS, on one database and three
// boots: under secret A a client sets up two-factor and stays signed in; under B with A as previous
// their cookie still works, their authenticator app and a recovery code still sign in, and the
// stored two-factor secret is sealed again under B at that sign-in; under B alone the app still
// signs in (the secret is B's now) while the cookie signed with A is no longer accepted.
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { createSecretBox } from '../../src/core/crypto/secret-box.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { cookieNamed, csrfFrom, postPasswordSignIn, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

const SECRET_A = 'rotation-secret-a-'.padEnd(48, 'a');
const SECRET_B = 'rotation-secret-b-'.padEnd(48, 'b');

describe('rotating the session secret', function () {
  this.timeout(300_000);
  let database: TestDatabase;
  let h: PortalHarness | undefined;
  let login: { email: string; password: string };
  let workspaceId = '';
  let userId = '';
  let totpSecret = '';
  let recovery: string[] = [];
  /** The portal cookie (name=value) of a session signed in under secret A. */
  let cookieA = '';

  before(async function () {
    database = await createSeededTestDatabase();
  });
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });
  after(async function () {
    await database?.drop();
  });

  const boot = (sessionSecret: string, previousSessionSecrets: string[] = []) =>
    startPortalHarness({ database, boot: { sessionSecret, previousSessionSecrets } });
  const totp = () => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(totpSecret) });
  const storedCiphertext = async () =>
    String(
      (await h!.crm.db('client_two_factor').where({ workspace_id: workspaceId, client_user_id: userId }).first('secret_ciphertext'))
        .secret_ciphertext,
    );

  /** Password, then an app code: answers the second factor's POST. */
  async function signInWithApp(code: string) {
    const agent = h!.agent();
    const first = await postPasswordSignIn(agent, 'demo', login);
    expect(first.headers.location).to.equal('/portal/demo/sign-in/two-factor');
    const page = await agent.get('/portal/demo/sign-in/two-factor').expect(200);
    return agent
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code });
  }

  it('under A: sets up two-factor and keeps a signed-in session', async function () {
    h = await boot(SECRET_A);
    login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    userId = String((await h.crm.db('client_users').where({ workspace_id: workspaceId, email: login.email.toLowerCase() }).first('id')).id);
    const agent = h.agent();
    const signedIn = await postPasswordSignIn(agent, 'demo', login);
    const page = await agent.get('/portal/demo/account/two-factor/setup').expect(200);
    totpSecret = /id="setup-secret">([A-Z2-7 ]+)</.exec(page.text)![1]!.replace(/ /g, '');
    const done = await agent
      .post('/portal/demo/account/two-factor/setup')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: totp().generate(), currentPassword: login.password });
    expect(done.status, done.text).to.equal(303);
    const shown = await agent.get(String(done.headers.location)).expect(200);
    recovery = [...shown.text.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(recovery).to.have.length(10);
    // The session's cookie as it stands now (set-up may have given the session a new id).
    cookieA = (cookieNamed(done, 'portal.sid') ?? cookieNamed(signedIn, 'portal.sid'))!.split(';')[0]!;
    await h.agent().get('/portal/demo/account').set('Cookie', cookieA).expect(200);
    expect(createSecretBox(SECRET_A).open(await storedCiphertext(), userId)?.plain).to.equal(totpSecret);
  });

  it('under B with A as previous: the old cookie, the app and a recovery code work; the secret is sealed again under B', async function () {
    h = await boot(SECRET_B, [SECRET_A]);
    const account = await h.agent().get('/portal/demo/account').set('Cookie', cookieA);
    expect(account.status, 'the session signed under A').to.equal(200);
    expect(createSecretBox(SECRET_B).open(await storedCiphertext(), userId), 'still sealed under A').to.equal(null);

    // The next step's code: the set-up's step is used already.
    const code = totp().generate({ timestamp: (Math.floor(Date.now() / 30_000) + 1) * 30_000 });
    const ok = await signInWithApp(code);
    expect(ok.status, ok.text).to.equal(303);
    expect(ok.headers.location).to.equal('/portal/demo/');
    const now = createSecretBox(SECRET_B).open(await storedCiphertext(), userId);
    expect(now, 'sealed again under B').to.deep.equal({ plain: totpSecret, stale: false });

    // A recovery code hashed under A.
    const agent = h.agent();
    await postPasswordSignIn(agent, 'demo', login);
    const page = await agent.get('/portal/demo/sign-in/two-factor').expect(200);
    const byRecovery = await agent
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: recovery[0] });
    expect(byRecovery.status, byRecovery.text).to.equal(303);
  });

  it('under B alone: the app still signs in, and the cookie signed under A is not accepted', async function () {
    h = await boot(SECRET_B);
    // Codes are accepted once per 30-second step; the previous test may have used this one.
    await h.crm.db('client_two_factor').where({ workspace_id: workspaceId, client_user_id: userId }).update({ last_used_step: 0 });
    const ok = await signInWithApp(totp().generate());
    expect(ok.status, ok.text).to.equal(303);
    expect(ok.headers.location).to.equal('/portal/demo/');
    const account = await h.agent().get('/portal/demo/account').set('Cookie', cookieA);
    expect(account.status).to.equal(303);
    expect(account.headers.location).to.match(/\/sign-in/);
  });
});
