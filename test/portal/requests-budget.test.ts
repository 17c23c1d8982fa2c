// Round trips per request for the requests pages: counted as knex query events on the app's
// connection, first with the seed and one request, then with many more requests, status changes,
// files and messages in a request's thread. The count must not grow with the data, and stays under a budget per page.
import { expect } from 'chai';
import { insertServiceRequest } from '../../plugins/reference-crm/queries/service-requests.ts';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('requests query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let trips: RoundTripCounter;
  let budgets: Record<string, number>;
  let scope: { workspaceId: number; clientId: number; contactId: number; definition: { id: number; name: string; fields: unknown } };

  const send = (i: number) =>
    insertServiceRequest(h.crm.db, {
      workspaceId: scope.workspaceId,
      definitionId: scope.definition.id,
      clientId: scope.clientId,
      contactId: scope.contactId,
      title: scope.definition.name,
      kind: 'quote',
      fields: scope.definition.fields,
      payload: { product: 'flyers', quantity: 100 + i, finishes: ['gloss'], notes: `Budget ${i}` },
    });

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    await db('workspace_client_portal_settings').insert({
      workspace_id: String(workspace.id),
      show_requests: true,
      allow_file_uploads: true,
    });
    await h.crm.portal.workspaceChanged(String(workspace.id));
    agent = await signedInDemoClient(h, 'maria@northwind.test');
    const contact = await db('contacts').where({ workspace_id: workspace.id, email: 'maria@northwind.test' }).first('id', 'client_id');
    const definition = await db('request_definitions')
      .where({ workspace_id: workspace.id, name: 'Request a quote for printing' })
      .first('id', 'name', 'fields');
    scope = { workspaceId: workspace.id, clientId: contact.client_id, contactId: contact.id, definition };
    const request = await send(0);
    budgets = {
      // The host's definitions (the person and their access come with the session's one read).
      '/portal/demo/requests': 1,
      // The host's definition.
      [`/portal/demo/requests/new/${definition.id}`]: 1,
      // The host's page of requests.
      '/portal/demo/requests/mine': 1,
      '/portal/demo/requests/mine?q=REQ': 1,
      // The request, its history from the host, the portal's files, its thread's comments and its read marker.
      [`/portal/demo/requests/mine/${request.id}`]: 5,
    };
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the number of requests, changes and files', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets)) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const first = Number(Object.keys(budgets).at(-1)!.split('/').pop());
    const staff = await db('staff_users').where({ workspace_id: scope.workspaceId }).first('id');
    const user = await db('client_users')
      .where({ workspace_id: String(scope.workspaceId), email: 'maria@northwind.test' })
      .first('id');
    for (let i = 1; i <= 60; i++) {
      await send(i);
      await db('service_request_status_changes').insert({
        workspace_id: scope.workspaceId,
        request_id: first,
        from_status: 'submitted',
        to_status: 'in_review',
        by_staff_id: staff.id,
      });
      await db('portal_request_attachments').insert({
        workspace_id: String(scope.workspaceId),
        client_id: String(scope.clientId),
        request_id: String(first),
        field_key: 'artwork',
        client_user_id: user.id,
        file_id: '00000000-0000-4000-8000-000000000000',
        filename: `file-${i}.pdf`,
        content_type: 'application/pdf',
        size_bytes: 5,
      });
      // The thread grows on both sides.
      await db('client_comments').insert({
        workspace_id: String(scope.workspaceId),
        subject_type: 'request',
        subject_id: String(first),
        author_contact_id: i % 2 ? String(scope.contactId) : null,
        author_staff_id: i % 2 ? null : String(staff.id),
        author_name: i % 2 ? 'Maria García' : 'Agency',
        body: `Message ${i}`,
      });
    }
    for (const [url, budget] of Object.entries(budgets)) {
      const after = await roundTrips(url);
      console.log(`      ${url}: ${before[url]} round trips with the seed, ${after} with more data (budget ${budget})`);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });
});
