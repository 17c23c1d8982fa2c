// Round trips per request for approvals the portal keeps (beside a host that keeps only their
// files): the client's list and its search, and the staff list and a piece of work's staff page,
// counted as knex query events on the app's connection, first with one piece of work, then with
// fifty more and twenty more versions and decisions of the one shown. The count must not grow with
// the data, and stays under a budget. With the portal off for a workspace (acme here), its staff
// and clients find no such page.
import { expect } from 'chai';
import { homepageDesign } from '../../plugins/reference-crm/seed-approvals.ts';
import { insertKeptApproval, insertNextKeptVersion } from '../../src/features/approvals/kept-queries.ts';
import { diskApprovalFiles, type DiskApprovalFiles, referenceCrmKnows } from '../support/disk-approval-files.ts';
import { shareKeptApproval } from '../support/kept-approvals-flow.ts';
import { signedInAgent, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

const ADMIN = '/settings/client-portal';

describe('kept approvals query budgets', function () {
  let h: PortalHarness;
  let files: DiskApprovalFiles;
  let client: ReturnType<PortalHarness['agent']>;
  let staff: ReturnType<PortalHarness['agent']>;
  let approvalId: string;
  let trips: RoundTripCounter;
  // The client list: the page of work and the decisions of its rows. The staff list: the same, and
  // the host's names of the page's clients. A piece of work: it, its versions, its decisions and
  // its client's name. Each staff page also costs the reference CRM's own three: its staff member and
  // the two unread counts its header shows (the portal's notifications and messages).
  const budgets = (): Record<string, { agent: () => ReturnType<PortalHarness['agent']>; budget: number }> => ({
    '/portal/demo/approvals': { agent: () => client, budget: 2 },
    '/portal/demo/approvals?q=design': { agent: () => client, budget: 2 },
    [`${ADMIN}/approvals`]: { agent: () => staff, budget: 6 },
    [`${ADMIN}/approvals/${approvalId}`]: { agent: () => staff, budget: 7 },
  });

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness({
      boot: {
        hostAdapter: (adapter) => {
          files = diskApprovalFiles(referenceCrmKnows(adapter));
          const { approvals: _own, ...rest } = adapter;
          return { ...rest, approvalFiles: files };
        },
      },
    });
    const db = h.crm.db;
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    client = await signedInAgent(h.agent(), 'demo', login);
    staff = await signedInStaffAgent(h, 'demo');
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), show_approvals: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const maria = await db('client_users')
      .where({ workspace_id: String(workspace.id), email: login.email })
      .first('client_id');
    approvalId = await shareKeptApproval(
      { staff, adminPath: ADMIN },
      {
        clientId: maria.client_id,
        title: 'Homepage design',
        message: '',
        file: homepageDesign(),
        fileName: 'design.png',
        contentType: 'image/png',
      },
    );
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h?.close();
    files?.close();
  });

  const roundTrips = (url: string, agent: ReturnType<PortalHarness['agent']>) => trips.get(agent, url);

  it('stays within budget, and does not grow with the work shared, its versions and decisions', async function () {
    const before: Record<string, number> = {};
    for (const [url, { agent }] of Object.entries(budgets())) before[url] = await roundTrips(url, agent());

    const db = h.crm.db;
    const shown = await db('portal_kept_approvals').where({ id: approvalId }).first('workspace_id', 'client_id');
    const acme = await db('clients as c')
      .join('workspaces as w', 'w.id', 'c.workspace_id')
      .where('w.slug', 'demo')
      .whereNot('c.id', shown.client_id)
      .first('c.id');
    const version = (n: number) => ({
      fileRef: `ref-${n}`,
      fileName: 'design.png',
      contentType: 'image/png',
      sizeBytes: 1000,
      message: 'Another version.',
      sharedBy: '1',
      sharedAt: new Date(Date.now() - 3600_000 + n),
    });
    await db.transaction(async (trx) => {
      for (let i = 0; i < 50; i++)
        await insertKeptApproval(trx, {
          workspaceId: shown.workspace_id,
          // Half of them another company's: the staff list names more than one client.
          clientId: i % 2 ? String(acme.id) : shown.client_id,
          title: `Design ${i}`,
          createdBy: '1',
          version: version(i),
        });
      for (let n = 2; n <= 21; n++) {
        await insertNextKeptVersion(trx, { workspaceId: shown.workspace_id, approvalId, number: n, version: version(n) });
        await trx('portal_approval_decisions').insert({
          workspace_id: shown.workspace_id,
          client_id: shown.client_id,
          approval_id: approvalId,
          version: n - 1,
          title: 'Homepage design',
          outcome: 'changes_requested',
          comment: `Change ${n}`,
          decided_by: 'Maria García',
          file_name: 'design.png',
          file_sha256: 'a'.repeat(64),
        });
      }
    });
    for (const [url, { agent, budget }] of Object.entries(budgets())) {
      const after = await roundTrips(url, agent());
      expect(after, `${url}: ${before[url]} round trips with one piece of work, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });

  it('has no such page for a workspace the portal is off for', async function () {
    const acmeStaff = await signedInStaffAgent(h, 'acme');
    await acmeStaff.get(`${ADMIN}/approvals`).expect(404);
    await acmeStaff.get(`${ADMIN}/approvals/new`).expect(404);
    await acmeStaff.get(`${ADMIN}/approvals/${approvalId}`).expect(404);
    const acmeLogin = h.crm.clientLogins.find((l) => l.workspaceSlug === 'acme');
    if (acmeLogin) await h.agent().get('/portal/acme/approvals').expect(404);
  });
});
