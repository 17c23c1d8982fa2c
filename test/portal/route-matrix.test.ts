// The isolation matrix: every client route of the portal (from the portal's own route table) meets
// the same five refusals, then one success for its owner. Signed out → sign-in (pages) or 401/403
// (actions); another client of the same workspace → 404 for a record that is not theirs; a client
// of another workspace → 404 in their own portal and sign-in in this one; the flag off → 404 with
// no cookie; each admin switch the route depends on off → 404; each built-in client role that lacks
// a permission the route needs → 404 (and a GET served to each role that has them); the owner with
// that permission hidden from them alone, or from their whole company → 404. Routes come from
// test/route-matrix/*.routes.ts; a client route that no file lists fails the first test. The
// owner's request also has its SQL read: every statement on a table distributed by workspace names
// the workspace (test/support/shard-routing.ts), so on Citus it goes to one node. The approvals'
// routes run a second time beside a host that keeps only their files (HostApprovalFilesPort: the
// reference CRM without its own approvals, a stand-in document store on disk), where the portal
// keeps the approvals itself (test/route-matrix/kept-approvals.variant.ts).
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { type BootOptions, bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { SECTION_SWITCHES, type SectionSwitch } from '../../src/core/settings/portal-settings.ts';
import { cookieNamed, csrfFrom, flagsFileFor, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { neededPermissions, type MatrixRoute, type MatrixWorld } from '../route-matrix/matrix.ts';
import {
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  CLIENT_PERMISSIONS,
  type BuiltInRole,
  type ClientPermission,
} from '../../src/core/policies/client-access.ts';
import { countQueries, type QueryCounter } from '../support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../support/shard-routing.ts';
import { type DiskApprovalFiles, diskApprovalFiles, referenceCrmKnows } from '../support/disk-approval-files.ts';
import { keptApprovalRoutes } from '../route-matrix/kept-approvals.variant.ts';

type Agent = ReturnType<typeof supertest.agent>;

const MATRIX_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../route-matrix');
const routeFiles = readdirSync(MATRIX_DIR)
  .filter((name) => name.endsWith('.routes.ts'))
  .sort();
const matrix: MatrixRoute[] = (
  await Promise.all(routeFiles.map(async (name) => ((await import(path.join(MATRIX_DIR, name))) as { routes: MatrixRoute[] }).routes))
).flat();

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const SESSION_SECRET = 'test-secret-'.padEnd(48, 'x');

routeMatrix('route isolation matrix', matrix);

// Beside a host that keeps only the files of approvals: the approvals' routes over the portal's own.
let keptFiles: DiskApprovalFiles | undefined;
routeMatrix('route isolation matrix, approvals the portal keeps', keptApprovalRoutes, {
  only: (route) => route.path.startsWith('/approvals'),
  hostAdapter: (adapter) => {
    keptFiles ??= diskApprovalFiles(referenceCrmKnows(adapter));
    const { approvals: _own, ...rest } = adapter;
    return { ...rest, approvalFiles: keptFiles };
  },
  approvalFiles: () => keptFiles!,
});

function routeMatrix(
  label: string,
  matrix: MatrixRoute[],
  variant: {
    /** The mounted client routes this run answers for (all of them by default). */
    only?: (route: { method: string; path: string }) => boolean;
    hostAdapter?: BootOptions['hostAdapter'];
    approvalFiles?: () => DiskApprovalFiles;
  } = {},
): void {
  describe(label, function () {
    let h: PortalHarness;
    let flagOff: RunningCrm;
    let world: MatrixWorld;
    let owner: Agent;
    let otherClient: Agent;
    let otherWorkspace: Agent;
    let staff: Agent;
    let counter: QueryCounter;

    before(async function () {
      h = await startPortalHarness({
        enabledFor: ['demo', 'acme'],
        ...(variant.hostAdapter ? { boot: { hostAdapter: variant.hostAdapter } } : {}),
      });
      // The same database and secret with the portal switched off for demo: the owner's own
      // session cookie is presented to it.
      flagOff = await bootReferenceCrm({
        databaseUrl: h.database.url,
        port: 0,
        sessionSecret: SESSION_SECRET,
        flagsFile: flagsFileFor(['acme']),
        quiet: true,
        ...(variant.hostAdapter ? { hostAdapter: variant.hostAdapter } : {}),
      });
      const login = (slug: string, email: string) => {
        const found = h.crm.clientLogins.find((l) => l.workspaceSlug === slug && l.email === email);
        if (!found) throw new Error(`no seeded login ${email} in ${slug}`);
        return { email: found.email, password: found.password };
      };
      world = {
        h,
        owner: login('demo', 'maria@northwind.test'),
        otherClient: login('demo', 'priya@bluebell.test'),
        otherWorkspace: login('acme', 'hana@lumencoffee.test'),
        ...(variant.approvalFiles ? { approvalFiles: variant.approvalFiles() } : {}),
      };
      owner = await signedInAgent(h.agent(), 'demo', world.owner);
      otherClient = await signedInAgent(h.agent(), 'demo', world.otherClient);
      otherWorkspace = await signedInAgent(h.agent(), 'acme', world.otherWorkspace);
      const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
      staff = h.agent();
      const page = await staff.get('/signin').expect(200);
      await staff
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
        .expect(303);
      counter = countQueries();
    });
    after(async function () {
      counter?.stop();
      await flagOff?.close();
      await h?.close();
    });
    beforeEach(async function () {
      await h.crm.db('portal_rate_limits').delete();
    });

    /** A CSRF token valid for this agent's session (any page of its portal carries one). */
    async function tokenFor(agent: Agent, slug: string): Promise<string> {
      return csrfFrom((await agent.get(`/portal/${slug}/account`).expect(200)).text);
    }

    /**
     * An error page's words: a translation key that found no text ("payments:errors.choice") would
     * show as itself, so the visible text must hold no `namespace:key` pattern.
     */
    function expectNoRawKey(html: string, url: string) {
      const text = html
        .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
      const key = /\b[a-z][A-Za-z]*:[a-z][\w-]*(\.[\w-]+)*\b/.exec(text)?.[0];
      expect(key, `${url} shows a raw translation key`).to.equal(undefined);
    }

    /** The fields a POST sends (a record made ready first, where the route asks for it). */
    const formOf = async (route: MatrixRoute) => (route.formFor ? route.formFor(world) : (route.form ?? {}));

    async function send(agent: Agent, route: MatrixRoute, url: string, csrf: string | null, ready?: Record<string, string>) {
      if (route.method === 'GET') return agent.get(url);
      const form = ready ?? (await formOf(route));
      return agent
        .post(url)
        .type('form')
        .send({ ...form, ...(csrf ? { _csrf: csrf } : {}) });
    }

    /**
     * For a client admin's route, the other client and the client of another workspace are made
     * client admins of their own companies while asked, so only whose record it is refuses them.
     */
    async function asAdminsWhere(route: MatrixRoute, people: Array<{ slug: string; email: string }>, work: () => Promise<void>) {
      if (!route.clientAdmin) return work();
      const setRole = async (role: 'admin' | 'full') => {
        for (const { slug, email } of people) {
          const workspace = (await h.crm.adapter.workspaces.findBySlug(slug))!;
          await h.crm.db('client_users').where({ workspace_id: workspace.id, email }).update({ role });
        }
      };
      await setRole('admin');
      try {
        await work();
      } finally {
        await setRole('full');
      }
    }

    /** Saves the admin settings with every switch on except these. */
    async function switchesOffExcept(off: SectionSwitch[]) {
      const page = await staff.get('/settings/client-portal').expect(200);
      const form: Record<string, string> = { _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on' };
      for (const s of SECTION_SWITCHES) if (!off.includes(s.key)) form[s.key] = 'on';
      await staff.post('/settings/client-portal').type('form').send(form).expect(303);
    }

    /**
     * The owner's role and what the agency hides from them and from their company, written straight
     * to the tables: a person's access is read with their session on every request.
     */
    async function ownerAccess(access: { role?: BuiltInRole; denied?: ClientPermission[]; companyDenied?: ClientPermission[] }) {
      // The same email is a client user in more than one workspace: the owner is the one of demo.
      const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      const owner = await h.crm
        .db('client_users')
        .where({ workspace_id: demo.id, email: world.owner.email })
        .first('workspace_id', 'client_id', 'id');
      await h.crm
        .db('client_users')
        .where({ workspace_id: owner.workspace_id, id: owner.id })
        .update({ role: access.role ?? 'full', client_role_id: null, denied_permissions: access.denied ?? [] });
      await h.crm.db('portal_client_access').where({ workspace_id: owner.workspace_id, client_id: owner.client_id }).delete();
      if (access.companyDenied?.length)
        await h.crm
          .db('portal_client_access')
          .insert({ workspace_id: owner.workspace_id, client_id: owner.client_id, denied_permissions: access.companyDenied });
    }

    /** The owner's answer with this access, their access put back afterwards. */
    async function ownerAnswer(route: MatrixRoute, access: Parameters<typeof ownerAccess>[0]) {
      const url = `/portal/demo${await route.url(world)}`;
      const csrf = await tokenFor(owner, 'demo');
      await ownerAccess(access);
      try {
        return { url, res: await send(owner, route, url, csrf) };
      } finally {
        await ownerAccess({});
      }
    }

    it('lists every client route of the portal, and only routes that exist', function () {
      const listed = new Set(matrix.map(key));
      const mounted = new Set(h.crm.portal.routes.client.filter((route) => !variant.only || variant.only(route)).map(key));
      expect(
        [...mounted].filter((r) => !listed.has(r)),
        'client routes missing from test/route-matrix',
      ).to.deep.equal([]);
      expect(
        [...listed].filter((r) => !mounted.has(r)),
        'matrix entries for routes that do not exist',
      ).to.deep.equal([]);
    });

    // A form sent without a session of this workspace is refused: 401/403, or (a signed-in-only form
    // whose session ended in another tab) a redirect to this workspace's sign-in page, never the action.
    const expectActionRefused = (res: { status: number; headers: Record<string, string> }, url: string) => {
      if (res.status === 303) expect(res.headers.location, url).to.match(/^\/portal\/demo\/sign-in(\?next=|$)/);
      else expect([401, 403], `${url} answered ${res.status}`).to.include(res.status);
    };

    for (const route of matrix) {
      describe(key(route), function () {
        it('sends signed-out visitors to sign-in, or refuses the action', async function () {
          const url = `/portal/demo${await route.url(world)}`;
          const visitor = h.agent();
          const signInPage = await visitor.get('/portal/demo/sign-in').expect(200);
          const res = await send(visitor, route, url, csrfFrom(signInPage.text));
          if (route.method === 'GET') {
            expect(res.status, url).to.equal(303);
            expect(res.headers.location, url).to.match(/^\/portal\/demo\/sign-in\?next=/);
          } else {
            expectActionRefused(res, url);
          }
        });

        it('answers 404 to another client of the same workspace', async function () {
          if (!route.ownedByClient) this.skip(); // Every client has this page of their own: nothing of another client's to reach.
          const url = `/portal/demo${await route.url(world)}`;
          await asAdminsWhere(route, [{ slug: 'demo', email: world.otherClient.email }], async () => {
            const res = await send(otherClient, route, url, await tokenFor(otherClient, 'demo'));
            expect(res.status, url).to.equal(404);
          });
        });

        it('answers 404 to a client of another workspace in their portal, and sign-in in this one', async function () {
          const relative = await route.url(world);
          if (route.ownedByClient) {
            await asAdminsWhere(route, [{ slug: 'acme', email: world.otherWorkspace.email }], async () => {
              const theirs = await send(otherWorkspace, route, `/portal/acme${relative}`, await tokenFor(otherWorkspace, 'acme'));
              expect(theirs.status, `/portal/acme${relative}`).to.equal(404);
            });
          }
          const ours = await send(otherWorkspace, route, `/portal/demo${relative}`, await tokenFor(otherWorkspace, 'acme'));
          if (route.method === 'GET') expect(ours.status, relative).to.equal(303);
          else expectActionRefused(ours, relative);
        });

        it('does not exist while the flag is off: 404 and no cookie', async function () {
          const url = `/portal/demo${await route.url(world)}`;
          const cookies = (await owner.get('/portal/demo/account')).request.cookies;
          const res = await supertest(flagOff.url)
            [route.method === 'GET' ? 'get' : 'post'](url)
            .set('Cookie', cookies ?? '')
            .type('form')
            .send(route.form ?? {});
          expect(res.status, url).to.equal(404);
          expect(cookieNamed(res, 'portal.sid')).to.equal(undefined);
        });

        for (const off of route.switches ?? []) {
          it(`does not exist while ${off} is off`, async function () {
            const url = `/portal/demo${await route.url(world)}`;
            await switchesOffExcept([off]);
            try {
              const res = await send(owner, route, url, await tokenFor(owner, 'demo'));
              expect(res.status, url).to.equal(404);
            } finally {
              await switchesOffExcept([]);
            }
          });
        }

        const needed = neededPermissions(route);
        for (const role of BUILT_IN_ROLE_KEYS) {
          const lacks: string[] = needed.filter((permission) => !BUILT_IN_ROLES[role].permissions.includes(permission));
          if (route.clientAdmin && !BUILT_IN_ROLES[role].managesColleagues) lacks.push('managing colleagues');
          if (lacks.length > 0) {
            it(`does not exist for the role ${role}, which lacks ${lacks.join(', ')}`, async function () {
              const { url, res } = await ownerAnswer(route, { role });
              expect(res.status, url).to.equal(404);
            });
          } else if (route.method === 'GET') {
            it(`serves the role ${role}`, async function () {
              const { url, res } = await ownerAnswer(route, { role });
              expect(route.ownerStatus ?? [200], `${url} answered ${res.status}`).to.include(res.status);
            });
          }
        }
        if (needed.length > 0) {
          for (const permission of needed) {
            it(`does not exist for a person from whom the agency hides ${permission}`, async function () {
              const { url, res } = await ownerAnswer(route, { denied: [permission] });
              expect(res.status, url).to.equal(404);
            });
            it(`does not exist for anyone at a company from which the agency hides ${permission}`, async function () {
              const { url, res } = await ownerAnswer(route, { companyDenied: [permission] });
              expect(res.status, url).to.equal(404);
            });
          }
        } else if (route.method === 'GET') {
          it('serves a person from whom the agency hides everything (the page is their own, not a section)', async function () {
            const { url, res } = await ownerAnswer(route, {
              role: route.clientAdmin ? 'admin' : 'billing',
              denied: [...CLIENT_PERMISSIONS],
              companyDenied: [...CLIENT_PERMISSIONS],
            });
            expect(route.ownerStatus ?? [200], `${url} answered ${res.status}`).to.include(res.status);
          });
        }

        if (route.method === 'POST')
          it('answers a form sent without its fields in words, never a raw translation key', async function () {
            if (route.clientAdmin) await ownerAccess({ role: 'admin' });
            try {
              const url = `/portal/demo${await route.url(world)}`;
              const res = await send(owner, route, url, await tokenFor(owner, 'demo'), {});
              expect(res.status, `${url} answered ${res.status}`).to.be.below(500);
              if (res.status >= 400) expectNoRawKey(res.text, url);
            } finally {
              if (route.clientAdmin) await ownerAccess({});
            }
          });

        it('serves its owner, each statement naming the workspace of every workspace table it touches', async function () {
          const url = `/portal/demo${await route.url(world)}`;
          const csrf = await tokenFor(owner, 'demo');
          const form = await formOf(route);
          // A client admin's route is the owner's as their company's client admin.
          if (route.clientAdmin) await ownerAccess({ role: 'admin' });
          let res: Awaited<ReturnType<typeof send>> | undefined;
          try {
            const counted = await counter.measure(async () => {
              res = await send(owner, route, url, csrf, form);
            });
            const expected = route.ownerStatus ?? (route.method === 'GET' ? [200] : [303]);
            expect(expected, `${url} answered ${res!.status}`).to.include(res!.status);
            expectEachNamesItsWorkspace(counted.sql, url);
          } finally {
            if (route.clientAdmin) await ownerAccess({});
          }
        });
      });
    }
  });
}
