// Round trips per request for the approvals pages (the list and its search, a piece of work with
// its versions and decisions, a version's file): counted as knex query events on the app's
// connection, first with the seeded design, then with fifty more pieces of work and twenty more
// versions and decisions of the one shown. The count must not grow with the data, and stays under
// a budget.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { insertApproval, insertNextVersion } from '../../plugins/reference-crm/queries/approvals.ts';
import { homepageDesign } from '../../plugins/reference-crm/seed-approvals.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('approvals query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let approvalUrl: string;
  let trips: RoundTripCounter;
  // The session, its person and the workspace come from caches once warm: the list is the host's
  // page and the decisions of its rows; a piece of work is the request, its versions and its
  // decisions; a file is one read.
  const budgets = (): Record<string, number> => ({
    '/portal/demo/approvals': 2,
    '/portal/demo/approvals?q=design': 2,
    [approvalUrl]: 3,
    [`${approvalUrl}/versions/1/file`]: 1,
  });
  const file = (content: Buffer, staffId: number) => ({
    filename: 'design.png',
    contentType: 'image/png',
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
    message: 'Another version.',
    staffId,
  });

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    const db = h.crm.db;
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), show_approvals: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const design = await db('approval_requests').where({ workspace_id: workspace.id, title: 'Homepage design' }).first('id');
    approvalUrl = `/portal/demo/approvals/${design.id}`;
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the work shared, its versions and decisions', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets())) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const design = await db('approval_requests').where({ workspace_id: workspace.id, title: 'Homepage design' }).first('id', 'client_id');
    const staff = await db('staff_users').where({ workspace_id: workspace.id }).orderBy('id').first('id');
    const content = homepageDesign();
    await db.transaction(async (trx) => {
      for (let i = 0; i < 50; i++)
        await insertApproval(trx, {
          workspaceId: workspace.id,
          clientId: design.client_id,
          title: `Design ${i}`,
          file: file(content, staff.id),
        });
      for (let n = 1; n <= 20; n++) {
        await insertNextVersion(trx, { workspaceId: workspace.id, requestId: design.id, file: file(content, staff.id) });
        await trx('portal_approval_decisions').insert({
          workspace_id: String(workspace.id),
          client_id: String(design.client_id),
          approval_id: String(design.id),
          version: n,
          title: 'Homepage design',
          outcome: 'changes_requested',
          comment: `Change ${n}`,
          decided_by: 'Maria García',
          file_name: 'design.png',
          file_sha256: 'a'.repeat(64),
        });
      }
    });
    for (const [url, budget] of Object.entries(budgets())) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });
});
