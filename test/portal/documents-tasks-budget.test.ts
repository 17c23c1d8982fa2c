// Round trips per request for the documents and tasks pages and the dashboard's widgets: counted
// as knex query events on the app's connection (the session store's own pool is the same fixed
// cost on every page), first with the seed, then with many more documents, uploads and tasks. The
// count must not grow with the data, and stays under a budget per page. A search (with and without
// matches) costs what the list costs: it narrows the list's own statements.
import { expect } from 'chai';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

const BUDGETS: Record<string, number> = {
  '/portal/demo/documents': 6,
  '/portal/demo/documents?q=extra': 6,
  '/portal/demo/documents?q=no-such-file': 6,
  '/portal/demo/tasks': 5,
  '/portal/demo/tasks?q=extra': 5,
  '/portal/demo/tasks?tab=done&q=extra': 5,
  // The summary with its widgets in one read, and the active projects' count beside it.
  '/portal/demo/': 4,
};

describe('documents and tasks query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let trips: RoundTripCounter;

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    agent = await signedInDemoClient(h, 'maria@northwind.test');
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the number of documents, uploads and tasks', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(BUDGETS)) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const client = await db('clients').where({ workspace_id: workspace.id, name: 'Northwind Traders' }).first('id');
    const user = await db('client_users')
      .where({ workspace_id: String(workspace.id), email: 'maria@northwind.test' })
      .first('id');
    const proposal = await db('proposals').where({ workspace_id: workspace.id, client_id: client.id }).first('id');
    for (let i = 0; i < 40; i++) {
      await db('documents').insert({
        workspace_id: workspace.id,
        client_id: client.id,
        filename: `extra-${i}.pdf`,
        content_type: 'application/pdf',
        size_bytes: 5,
        content: Buffer.from('%PDF-'),
        shared_with_client: true,
        record_type: 'proposal',
        record_id: proposal.id,
      });
      await db('tasks').insert({
        workspace_id: workspace.id,
        client_id: client.id,
        title: `Extra task ${i}`,
        status: 'open',
        record_type: 'proposal',
        record_id: proposal.id,
      });
      await db('client_uploads').insert({
        workspace_id: String(workspace.id),
        client_id: String(client.id),
        client_user_id: user.id,
        uploader_name: 'Maria García',
        file_id: '00000000-0000-4000-8000-000000000000',
        filename: `upload-${i}.pdf`,
        content_type: 'application/pdf',
        size_bytes: 5,
      });
    }
    for (const [url, budget] of Object.entries(BUDGETS)) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });

  it("asks before deleting an upload in the upload's own read", async function () {
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), allow_file_uploads: true })
      .onConflict('workspace_id')
      .merge(['allow_file_uploads']);
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspace.id), email: 'maria@northwind.test' })
      .first('id', 'client_id');
    const [row] = await h.crm
      .db('client_uploads')
      .insert({
        workspace_id: String(workspace.id),
        client_id: user.client_id,
        client_user_id: user.id,
        uploader_name: 'Maria García',
        file_id: '00000000-0000-4000-8000-000000000000',
        filename: 'to-delete.pdf',
        content_type: 'application/pdf',
        size_bytes: 5,
      })
      .returning('id');
    const trips = await roundTrips(`/portal/demo/documents/uploads/${row.id}/delete`);
    expect(trips, 'the delete confirmation: the session and the upload').to.be.at.most(2);
  });
});
