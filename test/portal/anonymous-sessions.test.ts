// Nobody gets a stored session before signing in: anonymous pages (sign-in, code, forgot, reset,
// invitation) carry a stateless CSRF token bound to a random cookie, and the session row is written
// at sign-in only. The token is still required: missing, wrong, or minted for another visitor's
// cookie → 403. Sessions per client user are capped (the oldest dropped), and the account page
// lists only the newest of them.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { hashSessionId } from '../../src/core/sessions/portal-sessions.ts';
import { MAX_SESSIONS_PER_USER } from '../../src/core/sessions/session-lifecycle.ts';
import { SESSIONS_SHOWN } from '../../src/features/account/handlers.ts';
import { cookieNamed, csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

const ANONYMOUS_PAGES = [
  '/sign-in',
  '/sign-in/code',
  '/password/forgot',
  '/password/reset/not-a-real-token',
  '/invitation/not-a-real-token',
  '/sign-in?next=%2Fportal%2Fdemo%2Faccount',
];

describe('no sessions for anonymous visitors', function () {
  let h: PortalHarness;
  let login: { email: string; password: string };
  const sessionRows = async () => Number((await h.crm.db('client_sessions').count<{ n: number }[]>({ n: '*' }))[0]!.n);

  before(async function () {
    h = await startPortalHarness();
    login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
  });
  after(async function () {
    await h.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  it('100 anonymous page views add no session row and set no session cookie', async function () {
    const before = await sessionRows();
    const returning = h.agent();
    for (let i = 0; i < 100; i++) {
      // Half new visitors, half one visitor coming back with its cookies.
      const agent = i % 2 === 0 ? h.agent() : returning;
      const res = await agent.get(`/portal/demo${ANONYMOUS_PAGES[i % ANONYMOUS_PAGES.length]}`);
      expect(res.status, ANONYMOUS_PAGES[i % ANONYMOUS_PAGES.length]).to.be.oneOf([200, 410]);
      expect(cookieNamed(res, 'portal.sid')).to.equal(undefined);
    }
    expect(await sessionRows()).to.equal(before);
  });

  it('refuses an anonymous form without a token, with a wrong one, or with one minted for another visitor', async function () {
    const visitor = h.agent();
    const page = await visitor.get('/portal/demo/sign-in').expect(200);
    const token = csrfFrom(page.text);
    expect(cookieNamed(page, 'portal.csrf')).to.match(/HttpOnly/i);
    const post = (agent: ReturnType<PortalHarness['agent']>, fields: Record<string, string>) =>
      agent
        .post('/portal/demo/sign-in/password')
        .type('form')
        .send({ email: login.email, password: login.password, ...fields });

    expect((await post(visitor, {})).status, 'no token').to.equal(403);
    expect((await post(visitor, { _csrf: randomBytes(32).toString('base64url') })).status, 'wrong token').to.equal(403);
    expect((await post(visitor, { _csrf: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` })).status, 'altered token').to.equal(
      403,
    );
    // Another visitor's valid token is worthless without that visitor's cookie.
    const other = h.agent();
    const otherToken = csrfFrom((await other.get('/portal/demo/sign-in').expect(200)).text);
    expect(otherToken).to.not.equal(token);
    expect((await post(visitor, { _csrf: otherToken })).status, 'token of another cookie').to.equal(403);
    expect((await post(h.agent(), { _csrf: token })).status, 'token without its cookie').to.equal(403);
    expect(await sessionRows()).to.equal(0);

    const before = await sessionRows();
    const signedIn = await post(visitor, { _csrf: token });
    expect(signedIn.status).to.equal(303);
    expect(cookieNamed(signedIn, 'portal.sid')).to.be.a('string');
    expect(await sessionRows()).to.equal(before + 1);
    // Signed in, the session's own token is required: the anonymous one no longer works.
    const account = await visitor.get('/portal/demo/account').expect(200);
    expect(csrfFrom(account.text)).to.not.equal(token);
    expect((await visitor.post('/portal/demo/account/sessions/revoke-others').type('form').send({ _csrf: token })).status).to.equal(403);
    expect(
      (
        await visitor
          .post('/portal/demo/account/sessions/revoke-others')
          .type('form')
          .send({ _csrf: csrfFrom(account.text) })
      ).status,
    ).to.equal(303);
  });

  it('signing out deletes the row and clears the cookie', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    const before = await sessionRows();
    const page = await agent.get('/portal/demo/account').expect(200);
    const out = await agent
      .post('/portal/demo/sign-out')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(out.status).to.equal(303);
    expect(cookieNamed(out, 'portal.sid')).to.match(/Expires=Thu, 01 Jan 1970/);
    expect(await sessionRows()).to.equal(before - 1);
  });

  describe('sessions per client user', function () {
    let user: { id: string; workspace_id: string };

    before(async function () {
      const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      user = await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email }).first('id', 'workspace_id');
    });
    beforeEach(async function () {
      await h.crm.db('client_sessions').delete();
    });

    /** Sessions signed in earlier, oldest first, as the store writes them. */
    async function earlierSessions(count: number) {
      const now = Date.now();
      const rows = Array.from({ length: count }, (_, i) => ({
        sid: hashSessionId(`earlier-${i}-${randomBytes(8).toString('hex')}`),
        sess: JSON.stringify({
          cookie: {},
          portal: {
            workspaceId: user.workspace_id,
            clientUserId: user.id,
            signedInAt: new Date(now - (count - i) * 60_000).toISOString(),
            ip: '203.0.113.9',
            userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
          },
        }),
        expire: new Date(now + 86_400_000 - (count - i) * 60_000),
      }));
      await h.crm.db('client_sessions').insert(rows);
      return rows.map((row) => row.sid);
    }

    it(`keeps at most ${MAX_SESSIONS_PER_USER} live sessions, dropping the oldest at sign-in`, async function () {
      const earlier = await earlierSessions(MAX_SESSIONS_PER_USER + 5);
      await signedInAgent(h.agent(), 'demo', login);
      const left = (await h.crm.db('client_sessions').select('sid')).map((row: { sid: string }) => row.sid);
      expect(left).to.have.length(MAX_SESSIONS_PER_USER);
      // The six oldest went; the 49 newest earlier ones and the new one stay.
      expect(left).to.include.members(earlier.slice(6));
      expect(left).to.not.include.members(earlier.slice(0, 6));
    });

    it(`lists the ${SESSIONS_SHOWN} newest sessions on the account page, with the total`, async function () {
      await earlierSessions(40);
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const page = await agent.get('/portal/demo/account').expect(200);
      const rows = page.text.match(/<tr>\s*<td[ >]/g) ?? [];
      expect(rows).to.have.length(SESSIONS_SHOWN);
      expect(page.text).to.contain('This session');
      expect(page.text).to.contain(`Showing the ${SESSIONS_SHOWN} most recent of your 41 sessions`);
    });
  });
});
