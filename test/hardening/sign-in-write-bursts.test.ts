// Forty identical requests at once, and a body near its parser's limit, on the sign-in writes a
// burst had not been tried on: a passkey's sign-in and second factor (their options and their
// answers, with real WebAuthn assertions from the software authenticator), SCIM's replaces,
// patches and deletes of people and its four group writes (bearer token, Entra ID's and Okta's
// request shapes), and SAML's continue (a real IdP-signed answer from samlify's identity
// provider). Each burst: no 5xx; every answer one the sender could get (the route's own, 409, 429,
// or 404 for a removal the first one made); exactly one effect in the database (one sign-in, one
// deactivation and its one event, one group, each role change logged once); and no request left
// waiting for a pooled connection. A body just under the parser's limit gets the route's own
// answer; one just over it a 413 in words.
import { expect } from 'chai';
import request, { type Response } from 'supertest';
import { freePort } from '../support/free-port.ts';
import { atOnce, expectNoConnectionWaiting, expectStatuses, paddedForm, paddedJson } from '../support/bursts.ts';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../support/portal-harness.ts';
import { createCredential, getAssertion, type SoftCredential } from '../support/soft-authenticator.ts';
import { startSamlIdp } from '../../src/features/single-sign-on/test/saml-identity-provider.ts';

type Agent = ReturnType<PortalHarness['agent']>;
type Login = { email: string; password: string; workspaceSlug: string };

/** The portal's form limit (workspace-router.ts) and SCIM's JSON limit (scim-routes.ts). */
const FORM_LIMIT = 32 * 1024;
const SCIM_LIMIT = 64 * 1024;
const PORTAL = '/portal/demo';
const ADMIN = '/settings/client-portal';
const SCIM_JSON = 'application/scim+json';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('bursts and large bodies on passkey sign-in, SCIM and SAML writes', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let origin: string;
  let workspaceId: string;
  let northwindId: string;
  let staff: Agent;

  const db = () => h.crm.db;
  const login = (email: string) => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === email)! as Login;
  const userIdOf = async (email: string) => String((await db()('client_users').where({ workspace_id: workspaceId, email }).first('id')).id);
  /** How many `event` rows the activity log holds for this person. */
  const eventsOf = async (event: string, clientUserId: string) =>
    Number(
      (await db()('client_activity_logs').where({ workspace_id: workspaceId, event, client_user_id: clientUserId }).count({ n: '*' }))[0]!
        .n,
    );
  /** The person's signed-in sessions (a pending second factor is not one). */
  const sessionsOf = async (clientUserId: string) =>
    Number((await db()('client_sessions').whereRaw("sess->'portal'->>'clientUserId' = ?", [clientUserId]).count({ n: '*' }))[0]!.n);
  const allSessions = async () => Number((await db()('client_sessions').count({ n: '*' }))[0]!.n);
  const tokenOf = async (agent: Agent, page: string) => csrfFrom((await agent.get(page).expect(200)).text);
  const locations = (answers: Response[]) => answers.map((answer) => String(answer.headers.location ?? answer.status));

  /** A body past the parser's limit: 413, in words, no stack. */
  const expectTooLarge = (res: Response, words: RegExp) => {
    expect(res.status, res.text.slice(0, 200)).to.equal(413);
    expect(res.text)
      .to.match(words)
      .and.not.match(/\bat \w+ \(/);
  };

  before(async function () {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'], boot: { port, appUrl: origin } });
    workspaceId = String((await db()('workspaces').where({ slug: 'demo' }).first('id')).id);
    northwindId = String((await db()('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await db()('portal_rate_limits').delete();
    await h.afterRepeatWindow();
  });

  describe('passkey sign-in and second factor', function () {
    /** The JSON options of a ceremony, asked as public/passkeys.js asks: a POST with the page's token. */
    async function options(agent: Agent, url: string, csrf: string, fields: Record<string, string> = {}) {
      const res = await agent
        .post(url)
        .set('X-CSRF-Token', csrf)
        .type('form')
        .send({ _csrf: csrf, ...fields })
        .expect(200);
      return res.body as { challenge: string; rp: { id: string }; user: { id: string } };
    }

    /** A passkey added from the person's account, as the page's script adds one. */
    async function addPasskey(person: Login, name: string): Promise<SoftCredential> {
      const agent = await signedInAgent(h.agent(), 'demo', person);
      const csrf = await tokenOf(agent, `${PORTAL}/account/passkeys`);
      const creation = await options(agent, `${PORTAL}/account/passkeys/options`, csrf, { name, currentPassword: person.password });
      const { credential, response } = createCredential(creation, origin);
      await agent
        .post(`${PORTAL}/account/passkeys`)
        .type('form')
        .send({ _csrf: csrf, name, response: JSON.stringify(response) })
        .expect(303);
      return credential;
    }

    /** A visitor on the sign-in page who asked for a sign-in's options: the session that holds its challenge. */
    async function visitorWithChallenge() {
      const agent = h.agent();
      const page = await agent.get(`${PORTAL}/sign-in`).expect(200);
      const csrf = csrfFrom(page.text);
      const answer = await agent
        .post(`${PORTAL}/sign-in/passkey/options`)
        .set('X-CSRF-Token', csrf)
        .type('form')
        .send({ _csrf: csrf })
        .expect(200);
      // What the browser now holds (the form's token cookie, the session's), to send to another instance.
      const cookie = [page, answer]
        .flatMap((res) => (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [])
        .map((c) => c.split(';')[0])
        .join('; ');
      return { agent, csrf, request: answer.body as { challenge: string }, cookie };
    }

    const signInForm = (csrf: string, assertion: Record<string, unknown>) => ({ _csrf: csrf, response: JSON.stringify(assertion) });

    let ben: Login;
    let benId: string;
    let benPasskey: SoftCredential;

    before(async function () {
      ben = login('ben@northwind.test');
      benId = await userIdOf(ben.email);
      benPasskey = await addPasskey(ben, 'Laptop');
    });

    it('POST /sign-in/passkey/options: forty at once, each the options; the visitor keeps one session', async function () {
      const { agent, csrf } = await visitorWithChallenge();
      const before = await allSessions();
      const url = `${PORTAL}/sign-in/passkey/options`;
      const answers = await atOnce(() => agent.post(url).set('X-CSRF-Token', csrf).type('form').send({ _csrf: csrf }));
      expectStatuses(answers, [200, 409, 429], { status: 200, count: 1 });
      for (const answer of answers.filter((a) => a.status === 200)) expect(answer.body.challenge).to.be.a('string');
      expect(await allSessions(), 'sessions after the burst').to.equal(before);
      expectNoConnectionWaiting(h);

      const near = await agent
        .post(url)
        .set('X-CSRF-Token', csrf)
        .type('form')
        .send(paddedForm({ _csrf: csrf }, 'note', FORM_LIMIT - 200));
      expect(near.status).to.equal(200);
      expect(near.body.challenge).to.be.a('string');
      expectTooLarge(
        await agent
          .post(url)
          .set('X-CSRF-Token', csrf)
          .type('form')
          .send(paddedForm({ _csrf: csrf }, 'note', FORM_LIMIT + 200)),
        /too large/,
      );
    });

    it('POST /sign-in/passkey: forty posts of one assertion sign in once, the rest are refused', async function () {
      const { agent, csrf, request: challenge } = await visitorWithChallenge();
      const assertion = getAssertion(benPasskey, challenge, origin);
      const counter = Number((await db()('client_passkeys').where({ client_user_id: benId }).first('sign_count')).sign_count);
      const [succeeded, sessions] = [await eventsOf('sign_in.succeeded', benId), await sessionsOf(benId)];
      const answers = await atOnce(() => agent.post(`${PORTAL}/sign-in/passkey`).type('form').send(signInForm(csrf, assertion)));
      expectStatuses(answers, [303, 409, 429]);
      const where = locations(answers);
      expect(
        where.filter((l) => l === `${PORTAL}/`),
        where.join(' '),
      ).to.have.length(1);
      expect(where.filter((l) => l !== `${PORTAL}/` && !/passkey=(expired|failed)$/.test(l) && !['409', '429'].includes(l))).to.deep.equal(
        [],
      );
      expect(await eventsOf('sign_in.succeeded', benId)).to.equal(succeeded + 1);
      expect(await sessionsOf(benId)).to.equal(sessions + 1);
      expect(Number((await db()('client_passkeys').where({ client_user_id: benId }).first('sign_count')).sign_count)).to.equal(counter + 1);
      expectNoConnectionWaiting(h);

      // Near the limit a fresh assertion signs in as it would alone (the burst spent the address's
      // sign-in attempts); past it, 413.
      await db()('portal_rate_limits').delete();
      const next = await visitorWithChallenge();
      const form = signInForm(next.csrf, getAssertion(benPasskey, next.request, origin));
      const near = await next.agent
        .post(`${PORTAL}/sign-in/passkey`)
        .type('form')
        .send(paddedForm(form, 'note', FORM_LIMIT - 200));
      expect(near.status).to.equal(303);
      expect(near.headers.location).to.equal(`${PORTAL}/`);
      expectTooLarge(
        await next.agent
          .post(`${PORTAL}/sign-in/passkey`)
          .type('form')
          .send(paddedForm(form, 'note', FORM_LIMIT + 200)),
        /too large/,
      );
    });

    it('POST /sign-in/passkey: a synced passkey (its counter stays 0) posted to two instances at once signs in once', async function () {
      // Synced passkeys (a phone's or a password manager's) keep no counter: only the challenge,
      // taken once, stands between one assertion and a second sign-in.
      const synced = await addPasskey(ben, 'Synced phone');
      const second = await startPortalHarness({
        database: h.database,
        enabledFor: ['demo', 'acme'],
        boot: { appUrl: origin, seedDemoData: false },
      });
      try {
        const { csrf, request: challenge, cookie } = await visitorWithChallenge();
        const assertion = getAssertion(synced, challenge, origin, { counter: 0 });
        const [succeeded, sessions] = [await eventsOf('sign_in.succeeded', benId), await sessionsOf(benId)];
        const instances = [h.crm.url, second.crm.url];
        const answers = await atOnce((i) =>
          request(instances[i % 2]!)
            .post(`${PORTAL}/sign-in/passkey`)
            .set('Cookie', cookie)
            .type('form')
            .send(signInForm(csrf, assertion)),
        );
        expectStatuses(answers, [303, 409, 429]);
        const where = locations(answers);
        expect(
          where.filter((l) => l === `${PORTAL}/`),
          where.join(' '),
        ).to.have.length(1);
        expect(await eventsOf('sign_in.succeeded', benId)).to.equal(succeeded + 1);
        expect(await sessionsOf(benId)).to.equal(sessions + 1);
        expectNoConnectionWaiting(h);
        expectNoConnectionWaiting(second);
      } finally {
        await second.close();
      }
    });

    describe('as the second factor', function () {
      let olivia: Login;
      let oliviaId: string;
      let passkey: SoftCredential;

      /** Olivia past her password: a session that waits for her second factor, on the two-factor page. */
      async function pending() {
        const agent = h.agent();
        const res = await postPasswordSignIn(agent, 'demo', olivia);
        expect(res.headers.location).to.equal(`${PORTAL}/sign-in/two-factor`);
        return { agent, csrf: await tokenOf(agent, `${PORTAL}/sign-in/two-factor`) };
      }

      before(async function () {
        olivia = login('olivia@northwind.test');
        oliviaId = await userIdOf(olivia.email);
        passkey = await addPasskey(olivia, 'Phone');
        await db()('client_two_factor').insert({
          workspace_id: workspaceId,
          client_user_id: oliviaId,
          secret_ciphertext: 'not used here',
          enabled_at: new Date(),
        });
      });
      after(async function () {
        await db()('client_two_factor').where({ workspace_id: workspaceId, client_user_id: oliviaId }).delete();
      });

      it('POST /sign-in/two-factor/passkey/options: forty at once, each her passkeys’ options; one pending session', async function () {
        const { agent, csrf } = await pending();
        const url = `${PORTAL}/sign-in/two-factor/passkey/options`;
        const before = await allSessions();
        const answers = await atOnce(() => agent.post(url).set('X-CSRF-Token', csrf).type('form').send({ _csrf: csrf }));
        expectStatuses(answers, [200, 409, 429], { status: 200, count: 1 });
        for (const answer of answers.filter((a) => a.status === 200))
          expect(answer.body.allowCredentials.map((c: { id: string }) => c.id)).to.deep.equal([passkey.id.toString('base64url')]);
        expect(await allSessions()).to.equal(before);
        expectNoConnectionWaiting(h);

        const near = await agent
          .post(url)
          .set('X-CSRF-Token', csrf)
          .type('form')
          .send(paddedForm({ _csrf: csrf }, 'note', FORM_LIMIT - 200));
        expect(near.status).to.equal(200);
        expectTooLarge(
          await agent
            .post(url)
            .set('X-CSRF-Token', csrf)
            .type('form')
            .send(paddedForm({ _csrf: csrf }, 'note', FORM_LIMIT + 200)),
          /too large/,
        );
      });

      it('POST /sign-in/two-factor/passkey: forty posts of one assertion complete the sign-in once', async function () {
        const { agent, csrf } = await pending();
        const challenge = await options(agent, `${PORTAL}/sign-in/two-factor/passkey/options`, csrf);
        const assertion = getAssertion(passkey, challenge, origin, { userVerified: false });
        const [passed, sessions] = [await eventsOf('two_factor.passed', oliviaId), await sessionsOf(oliviaId)];
        const answers = await atOnce(() =>
          agent.post(`${PORTAL}/sign-in/two-factor/passkey`).type('form').send(signInForm(csrf, assertion)),
        );
        expectStatuses(answers, [303, 409, 429]);
        const where = locations(answers);
        expect(
          where.filter((l) => l === `${PORTAL}/`),
          where.join(' '),
        ).to.have.length(1);
        // The rest find the pending sign-in gone with its session (its form's token with it: back to
        // the two-factor page, which sends them to sign in) or its challenge spent.
        const refusals = [
          `${PORTAL}/sign-in`,
          `${PORTAL}/sign-in/two-factor`,
          `${PORTAL}/sign-in/two-factor?passkey=expired`,
          '409',
          '429',
        ];
        expect(where.filter((l) => l !== `${PORTAL}/` && !refusals.includes(l))).to.deep.equal([]);
        expect(await eventsOf('two_factor.passed', oliviaId)).to.equal(passed + 1);
        expect(await sessionsOf(oliviaId)).to.equal(sessions + 1);
        expectNoConnectionWaiting(h);

        const again = await pending();
        const form = signInForm(again.csrf, assertion);
        const near = await again.agent
          .post(`${PORTAL}/sign-in/two-factor/passkey`)
          .type('form')
          .send(paddedForm(form, 'note', FORM_LIMIT - 200));
        expect(near.status).to.equal(303);
        expect(near.headers.location).to.equal(`${PORTAL}/sign-in/two-factor?passkey=expired`);
        expectTooLarge(
          await again.agent
            .post(`${PORTAL}/sign-in/two-factor/passkey`)
            .type('form')
            .send(paddedForm(form, 'note', FORM_LIMIT + 200)),
          /too large/,
        );
      });
    });
  });

  describe('SCIM: people and groups', function () {
    let token: string;
    let base: string;

    /** A SCIM request as a directory sends it: bearer token, application/scim+json. */
    function scim(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: unknown) {
      const req = h.agent()[method](`${base}${path}`).set('Authorization', `Bearer ${token}`).set('Accept', SCIM_JSON);
      return body === undefined ? req : req.set('Content-Type', SCIM_JSON).send(typeof body === 'string' ? body : JSON.stringify(body));
    }
    // biome-ignore lint/suspicious/noExplicitAny: a SCIM answer read as a directory reads it, untyped JSON
    const json = (res: { text: string }) => JSON.parse(res.text) as Record<string, any>;
    const expectScimTooLarge = (res: Response) => {
      expectTooLarge(res, /larger than 64kb/);
      expect(res.headers['content-type']).to.match(/^application\/scim\+json/);
    };
    /** A person the directory creates (Okta's shape): their id. */
    const provision = async (email: string, givenName: string) =>
      String(
        json(
          await scim('post', '/Users', {
            schemas: [CORE_USER],
            userName: email,
            name: { givenName, familyName: 'Burst' },
            emails: [{ primary: true, value: email, type: 'work' }],
            active: true,
          }).expect(201),
        ).id,
      );
    const statusOf = async (id: string) =>
      (await db()('client_users').where({ workspace_id: workspaceId, id }).first('status')).status as string;
    const roleOf = async (id: string) => (await db()('client_users').where({ workspace_id: workspaceId, id }).first('role')).role as string;

    before(async function () {
      const page = `${ADMIN}/directory-provisioning/${northwindId}`;
      const form = await staff.get(page).expect(200);
      base = new URL(/data-scim-base>([^<]+)</.exec(form.text)![1]!).pathname;
      const formId = /name="formId" value="([^"]+)"/.exec(form.text)![1]!;
      const created = await staff
        .post(`${page}/tokens`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), formId })
        .expect(303);
      token = /data-scim-token>([^<]+)</.exec((await staff.get(String(created.headers.location)).expect(200)).text)![1]!;
      // New people's contacts are created in the CRM; a group named "Burst Admins" gives full access.
      await staff
        .post(`${page}/settings`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), defaultRole: 'member', createContacts: 'on' })
        .expect(303);
      await staff
        .post(`${page}/group-roles`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), groupName: 'Burst Admins', role: 'full' })
        .expect(303);
    });

    it('PUT /Users/:id: forty identical replaces (Okta) save the new name once, logged once', async function () {
      const id = await provision('put.burst@northwind.test', 'Paula');
      const body = {
        schemas: [CORE_USER],
        id,
        userName: 'put.burst@northwind.test',
        name: { givenName: 'Pauline', familyName: 'Burst' },
        emails: [{ primary: true, value: 'put.burst@northwind.test', type: 'work' }],
        displayName: 'Pauline Burst',
        active: true,
      };
      const updated = await eventsOf('directory.person_updated', id);
      const answers = await atOnce(() => scim('put', `/Users/${id}`, body));
      expectStatuses(answers, [200, 409, 429], { status: 200, count: 1 });
      for (const answer of answers.filter((a) => a.status === 200))
        expect(json(answer)).to.include({ displayName: 'Pauline Burst', active: true });
      expect(await db()('portal_scim_people').where({ workspace_id: workspaceId, client_user_id: id })).to.have.length(1);
      expect(await eventsOf('directory.person_updated', id), 'directory.person_updated').to.equal(updated + 1);
      expectNoConnectionWaiting(h);

      expect((await scim('put', `/Users/${id}`, paddedJson(body, SCIM_LIMIT - 500))).status).to.equal(200);
      expectScimTooLarge(await scim('put', `/Users/${id}`, paddedJson(body, SCIM_LIMIT + 500)));
    });

    it('PATCH /Users/:id: forty deactivations (Entra) disable the person once, logged once', async function () {
      const id = await provision('patch.burst@northwind.test', 'Pat');
      const body = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
      const answers = await atOnce(() => scim('patch', `/Users/${id}`, body));
      expectStatuses(answers, [200, 409, 429], { status: 200, count: 1 });
      for (const answer of answers.filter((a) => a.status === 200)) expect(json(answer).active).to.equal(false);
      expect(await statusOf(id)).to.equal('disabled');
      expect(await eventsOf('directory.person_deactivated', id), 'directory.person_deactivated').to.equal(1);
      expect(await eventsOf('directory.person_updated', id), 'directory.person_updated').to.equal(0);
      expectNoConnectionWaiting(h);

      const okta = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] };
      expect(json(await scim('patch', `/Users/${id}`, paddedJson(okta, SCIM_LIMIT - 500)).expect(200)).active).to.equal(true);
      expectScimTooLarge(await scim('patch', `/Users/${id}`, paddedJson(body, SCIM_LIMIT + 500)));
      expect(await statusOf(id)).to.not.equal('disabled');
    });

    it('DELETE /Users/:id: forty deletes remove the person once (204), the rest 404', async function () {
      const id = await provision('delete.burst@northwind.test', 'Dee');
      const answers = await atOnce(() => scim('delete', `/Users/${id}`));
      expectStatuses(answers, [204, 404, 409, 429]);
      expect(answers.filter((a) => a.status === 204)).to.have.length(1);
      expect(await statusOf(id)).to.equal('disabled');
      expect(await eventsOf('directory.person_deleted', id), 'directory.person_deleted').to.equal(1);
      expect(await eventsOf('directory.person_deactivated', id), 'directory.person_deactivated').to.equal(1);
      expectNoConnectionWaiting(h);
      // DELETE reads no body: one past the JSON limit is answered as one without it.
      expect((await scim('delete', `/Users/${id}`, paddedJson({}, SCIM_LIMIT + 500))).status).to.equal(404);
    });

    describe('groups, whose members get the role mapped to the group’s name', function () {
      let first: string;
      let second: string;
      let groupId: string;
      const members = async () =>
        (await db()('portal_scim_group_members').where({ workspace_id: workspaceId, group_id: groupId }).select('client_user_id'))
          .map((m: { client_user_id: string }) => String(m.client_user_id))
          .sort();

      before(async function () {
        first = await provision('group.one@northwind.test', 'Gina');
        second = await provision('group.two@northwind.test', 'Gus');
      });

      it('POST /Groups: forty identical creates make one group (201), the rest 409; its member’s role changes once', async function () {
        const body = { schemas: [GROUP], externalId: 'burst-admins', displayName: 'Burst Admins', members: [{ value: first }] };
        const answers = await atOnce(() => scim('post', '/Groups', body));
        expectStatuses(answers, [201, 409, 429]);
        const created = answers.filter((a) => a.status === 201);
        expect(created).to.have.length(1);
        for (const refused of answers.filter((a) => a.status === 409)) expect(json(refused).scimType).to.equal('uniqueness');
        groupId = String(json(created[0]!).id);
        expect(await db()('portal_scim_groups').where({ workspace_id: workspaceId, client_id: northwindId })).to.have.length(1);
        expect(await members()).to.deep.equal([first]);
        expect(await roleOf(first)).to.equal('full');
        expect(await eventsOf('directory.person_updated', first), 'role changes logged').to.equal(1);
        expectNoConnectionWaiting(h);

        const other = { schemas: [GROUP], displayName: 'Near the limit' };
        const near = await scim('post', '/Groups', paddedJson(other, SCIM_LIMIT - 500));
        expect(near.status).to.equal(201);
        await scim('delete', `/Groups/${json(near).id}`).expect(204);
        expectScimTooLarge(await scim('post', '/Groups', paddedJson(other, SCIM_LIMIT + 500)));
      });

      it('PUT /Groups/:id: forty identical replaces (Okta) set the members once; the new member’s role changes once', async function () {
        const body = { schemas: [GROUP], id: groupId, displayName: 'Burst Admins', members: [{ value: first }, { value: second }] };
        const answers = await atOnce(() => scim('put', `/Groups/${groupId}`, body));
        expectStatuses(answers, [200, 409, 429], { status: 200, count: 1 });
        expect(await members()).to.deep.equal([first, second].sort());
        expect(await roleOf(second)).to.equal('full');
        expect(await eventsOf('directory.person_updated', second), 'role changes logged').to.equal(1);
        expect(await eventsOf('directory.person_updated', first), 'role changes logged').to.equal(1);
        expectNoConnectionWaiting(h);

        expect((await scim('put', `/Groups/${groupId}`, paddedJson(body, SCIM_LIMIT - 500))).status).to.equal(200);
        expectScimTooLarge(await scim('put', `/Groups/${groupId}`, paddedJson(body, SCIM_LIMIT + 500)));
      });

      it('PATCH /Groups/:id: forty removals of one member (Entra) take them out once; their role goes back once', async function () {
        const body = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${second}"]` }] };
        const answers = await atOnce(() => scim('patch', `/Groups/${groupId}`, body));
        expectStatuses(answers, [200, 409, 429], { status: 200, count: 1 });
        expect(await members()).to.deep.equal([first]);
        expect(await roleOf(second)).to.equal('member');
        expect(await eventsOf('directory.person_updated', second), 'role changes logged').to.equal(2);
        expectNoConnectionWaiting(h);

        expect((await scim('patch', `/Groups/${groupId}`, paddedJson(body, SCIM_LIMIT - 500, 'padding'))).status).to.equal(200);
        expectScimTooLarge(await scim('patch', `/Groups/${groupId}`, paddedJson(body, SCIM_LIMIT + 500, 'padding')));
      });

      it('DELETE /Groups/:id: forty deletes remove the group once (204), the rest 404; its member’s role goes back once', async function () {
        const answers = await atOnce(() => scim('delete', `/Groups/${groupId}`));
        expectStatuses(answers, [204, 404, 409, 429]);
        expect(answers.filter((a) => a.status === 204)).to.have.length(1);
        expect(await db()('portal_scim_groups').where({ workspace_id: workspaceId, id: groupId })).to.have.length(0);
        expect(await roleOf(first)).to.equal('member');
        expect(await eventsOf('directory.person_updated', first), 'role changes logged').to.equal(2);
        expectNoConnectionWaiting(h);
        expect((await scim('delete', `/Groups/${groupId}`, paddedJson({}, SCIM_LIMIT + 500))).status).to.equal(404);
      });
    });
  });

  describe('SAML: the continue after an accepted answer', function () {
    const idp = startSamlIdp({ entityId: 'https://idp.burst.test/saml' });
    let spMetadata: string;
    let mariaId: string;

    /** An IdP-initiated answer for Maria, accepted at the consumer service: the continue page's form. */
    async function accepted() {
      const agent = h.agent();
      const samlResponse = await idp.answer(spMetadata, { email: 'maria@northwind.test' });
      const acs = await agent.post(`${PORTAL}/saml/acs`).type('form').send({ SAMLResponse: samlResponse }).expect(303);
      const location = String(acs.headers.location);
      expect(location).to.match(/\/sign-in\/sso\/saml\/continue\?handoff=/);
      const page = await agent.get(location).expect(200);
      return { agent, form: { _csrf: csrfFrom(page.text), handoff: new URL(location, origin).searchParams.get('handoff')! } };
    }

    before(async function () {
      mariaId = await userIdOf('maria@northwind.test');
      spMetadata = (await h.agent().get(`${PORTAL}/saml/metadata`).expect(200)).text;
      const page = await staff.get(`${ADMIN}/single-sign-on/new-saml`).expect(200);
      const created = await staff
        .post(`${ADMIN}/single-sign-on/saml`)
        .type('form')
        .send({
          _csrf: csrfFrom(page.text),
          displayName: 'Northwind SAML',
          metadataXml: idp.metadata,
          emailAttribute: 'email',
          wantAssertionsSigned: 'on',
          allowIdpInitiated: 'on',
        })
        .expect(303);
      const href = String(created.headers.location).split('?')[0]!;
      const provider = await staff.get(href).expect(200);
      await staff
        .post(`${href}/bindings`)
        .type('form')
        .send({ _csrf: csrfFrom(provider.text), clientId: northwindId, emailDomains: 'northwind.test', signInMode: 'any' })
        .expect(303);
    });

    it('POST /sign-in/sso/saml/continue: forty posts of one token sign in once, the rest are refused', async function () {
      const { agent, form } = await accepted();
      const [succeeded, sessions] = [await eventsOf('sign_in.succeeded', mariaId), await sessionsOf(mariaId)];
      const answers = await atOnce(() => agent.post(`${PORTAL}/sign-in/sso/saml/continue`).type('form').send(form));
      expectStatuses(answers, [303, 409, 429]);
      const where = locations(answers);
      expect(
        where.filter((l) => l === `${PORTAL}/`),
        where.join(' '),
      ).to.have.length(1);
      expect(
        where.filter((l) => l !== `${PORTAL}/` && !l.startsWith(`${PORTAL}/sign-in/sso/refused?reason=expired`) && l !== '429'),
      ).to.deep.equal([]);
      expect(await eventsOf('sign_in.succeeded', mariaId)).to.equal(succeeded + 1);
      expect(await sessionsOf(mariaId)).to.equal(sessions + 1);
      expectNoConnectionWaiting(h);

      // Near the limit a fresh token signs in as it would alone; past it, 413.
      await db()('portal_rate_limits').delete();
      const next = await accepted();
      const near = await next.agent
        .post(`${PORTAL}/sign-in/sso/saml/continue`)
        .type('form')
        .send(paddedForm(next.form, 'note', FORM_LIMIT - 200));
      expect(near.status).to.equal(303);
      expect(near.headers.location).to.equal(`${PORTAL}/`);
      expectTooLarge(
        await next.agent
          .post(`${PORTAL}/sign-in/sso/saml/continue`)
          .type('form')
          .send(paddedForm(next.form, 'note', FORM_LIMIT + 200)),
        /too large/,
      );
    });
  });
});
