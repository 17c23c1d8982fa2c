// The portal's staff CSRF token (admin pages, inbox, notifications) rotates with the staff session:
// it stays the same within one CRM session, a new sign-in (a regenerated session) gets a new one,
// and the old one is refused afterwards; two sessions of the same staff user have different tokens.
import { expect } from 'chai';
import { csrfFrom, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('the staff CSRF token rotates with the staff session', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let admin: { email: string; password: string };

  before(async function () {
    h = await startPortalHarness();
    admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
  });
  after(async function () {
    await h?.close();
  });

  async function signIn(agent: Agent) {
    const page = await agent.get('/signin').expect(200);
    await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
      .expect(303);
  }
  const portalToken = async (agent: Agent, path = '/settings/client-portal') => csrfFrom((await agent.get(path).expect(200)).text);
  /** The CRM's own token (the sign-out form at the top of every CRM page). */
  const crmToken = async (agent: Agent) => /name="_csrf" value="([^"]+)"/.exec((await agent.get('/').expect(200)).text)![1]!;

  it('is stable within a session, new after signing in again, and the old one is refused', async function () {
    const agent = h.agent();
    await signIn(agent);
    const first = await portalToken(agent);
    expect(await portalToken(agent), 'same session, same token').to.equal(first);

    await agent
      .post('/signout')
      .type('form')
      .send({ _csrf: await crmToken(agent) })
      .expect(303);
    await signIn(agent);
    const second = await portalToken(agent);
    expect(second).to.not.equal(first);

    // The notifications page's "mark all as read" takes the staff token.
    await agent.post('/client-portal/notifications/read').type('form').send({ _csrf: first }).expect(403);
    const ok = await agent.post('/client-portal/notifications/read').type('form').send({ _csrf: second });
    expect(ok.status).to.equal(303);
  });

  it('differs between two sessions of the same staff user', async function () {
    const [a, b] = [h.agent(), h.agent()];
    await signIn(a);
    await signIn(b);
    expect(await portalToken(a)).to.not.equal(await portalToken(b));
  });
});
