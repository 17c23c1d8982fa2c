// The guards of the staff pages outside the admin router, which every staff member of a workspace
// reaches (the notifications list, its "mark as read" forms, and "Your language"): not signed in →
// 401 (from the host's guard and from the portal's own), a workspace whose portal flag is off →
// 404, a form without its token → 403; a staff member of another workspace with the portal on
// reads and changes only what is theirs: their language is kept under their own workspace, and a
// colleague elsewhere keeps the one they chose.
import { expect } from 'chai';
import supertest from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createTestHost, NOTIFICATIONS_PATH, type TestHost } from '../support/test-host.ts';
import type { HostStaffUser, HostWorkspace } from '../../src/core/index.ts';

const ROUTES: Array<{ method: 'get' | 'post'; path: string }> = [
  { method: 'get', path: '' },
  { method: 'post', path: '/read' },
  { method: 'post', path: '/1/read' },
  { method: 'get', path: '/language' },
  { method: 'post', path: '/language' },
];

const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

describe('staff route guards: notifications and the language page', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let host: TestHost;
  let openHost: TestHost;
  let acme: HostWorkspace;
  let bravo: HostWorkspace;
  let member: HostStaffUser;
  let bravoMember: HostStaffUser;
  let staffWithoutPortal: HostStaffUser;

  before(async function () {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['acme', 'bravo'] });
    acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency' });
    bravo = await host.createWorkspace({ slug: 'bravo', name: 'Bravo Agency' });
    const dark = await host.createWorkspace({ slug: 'dark', name: 'Dark Agency' });
    member = await host.createStaff(acme, 'member', 'Mia Member');
    bravoMember = await host.createStaff(bravo, 'member', 'Bea Bravo');
    staffWithoutPortal = await host.createStaff(dark, 'admin', 'Dora Dark');
    // A host whose staff area lets anonymous requests through, so the portal's own check answers.
    openHost = await createTestHost(database.url, { hostGuard: false, portalEnabledFor: ['acme', 'bravo'] });
  });

  after(async function () {
    await openHost?.close();
    await host?.close();
    await database?.drop();
  });

  for (const route of ROUTES) {
    const label = `${route.method.toUpperCase()} ${NOTIFICATIONS_PATH}${route.path}`;

    it(`${label}: not signed in → 401`, async function () {
      await supertest(host.app)[route.method](`${NOTIFICATIONS_PATH}${route.path}`).expect(401);
      const res = await supertest(openHost.app)[route.method](`${NOTIFICATIONS_PATH}${route.path}`).expect(401);
      expect(res.text).to.contain('Please sign in to the CRM first.');
    });

    it(`${label}: portal flag off for the workspace → 404`, async function () {
      const agent = await host.staffAgent(staffWithoutPortal);
      await agent[route.method](`${NOTIFICATIONS_PATH}${route.path}`).expect(404);
    });

    if (route.method === 'post') {
      it(`${label}: no CSRF token, or a forged one → 403`, async function () {
        const agent = await host.staffAgent(member);
        await agent.post(`${NOTIFICATIONS_PATH}${route.path}`).type('form').send({ locale: 'de' }).expect(403);
        await agent.post(`${NOTIFICATIONS_PATH}${route.path}`).type('form').send({ _csrf: 'forged', locale: 'de' }).expect(403);
      });
    }
  }

  it('keeps a language chosen in another workspace to that workspace: a member here keeps theirs', async function () {
    const ours = await host.staffAgent(member);
    const theirs = await host.staffAgent(bravoMember);
    const ourPage = await ours.get(`${NOTIFICATIONS_PATH}/language`).expect(200);
    await ours
      .post(`${NOTIFICATIONS_PATH}/language`)
      .type('form')
      .send({ _csrf: tokenOf(ourPage.text), locale: 'en' })
      .expect(303);
    const theirPage = await theirs.get(`${NOTIFICATIONS_PATH}/language`).expect(200);
    // Bravo's token is Bravo's: it is no key to Acme's pages.
    await ours
      .post(`${NOTIFICATIONS_PATH}/language`)
      .type('form')
      .send({ _csrf: tokenOf(theirPage.text), locale: 'de' })
      .expect(403);
    await theirs
      .post(`${NOTIFICATIONS_PATH}/language`)
      .type('form')
      .send({ _csrf: tokenOf(theirPage.text), locale: 'de' })
      .expect(303);

    const rows = await host
      .db('portal_staff_preferences')
      .whereIn('workspace_id', [acme.id, bravo.id])
      .select('workspace_id', 'staff_user_id', 'locale');
    expect(rows.map((row) => [String(row.workspace_id), String(row.staff_user_id), row.locale]).sort()).to.deep.equal(
      [
        [acme.id, member.id, 'en'],
        [bravo.id, bravoMember.id, 'de'],
      ].sort(),
    );
    expect((await ours.get(`${NOTIFICATIONS_PATH}/language`).expect(200)).text).to.contain('lang="en"');
    expect((await theirs.get(`${NOTIFICATIONS_PATH}/language`).expect(200)).text).to.contain('lang="de"');
  });
});
