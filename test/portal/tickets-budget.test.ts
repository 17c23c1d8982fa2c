// Round trips per request for the tickets pages and the dashboard with tickets shown: counted as
// knex query events on the app's connection, first with the seed, then with many more tickets,
// messages, status changes and files. The count must not grow with the data, and stays under a
// budget per page.
import { expect } from 'chai';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('tickets query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let trips: RoundTripCounter;
  let budgets: Record<string, number>;

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    await db('workspace_client_portal_settings').insert({
      workspace_id: String(workspace.id),
      show_tickets: true,
      allow_file_uploads: true,
    });
    await h.crm.portal.workspaceChanged(String(workspace.id));
    agent = await signedInDemoClient(h, 'maria@northwind.test');
    const ticket = await db('tickets')
      .where({ workspace_id: workspace.id, subject: 'Contact form on the website sends no email' })
      .first('id');
    const resolved = await db('tickets').where({ workspace_id: workspace.id, subject: 'Add the new store opening hours' }).first('id');
    budgets = {
      // The person with their access, then the host's page of tickets.
      '/portal/demo/tickets': 2,
      '/portal/demo/tickets?tab=all&q=logo': 2,
      // The host's categories and priorities, each a query.
      '/portal/demo/tickets/new': 3,
      // The ticket, its messages, its history and the agency's files from the host; the client's
      // files and the rating from the portal. The agency's files are one read more than before
      // they were shown: one query for all of them, whatever their number.
      [`/portal/demo/tickets/${ticket.id}`]: 7,
      // The ticket, its messages and its history from the host; the answer from the portal.
      [`/portal/demo/tickets/${resolved.id}/survey`]: 5,
      // The summary, unread messages, active projects and the tickets' counts, each its own read.
      '/portal/demo/': 5,
    };
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the number of tickets, messages and files', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets)) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const client = await db('clients').where({ workspace_id: workspace.id, name: 'Northwind Traders' }).first('id');
    const contact = await db('contacts').where({ workspace_id: workspace.id, email: 'maria@northwind.test' }).first('id');
    const staff = await db('staff_users').where({ workspace_id: workspace.id }).first('id');
    const user = await db('client_users')
      .where({ workspace_id: String(workspace.id), email: 'maria@northwind.test' })
      .first('id');
    const ticket = await db('tickets')
      .where({ workspace_id: workspace.id, subject: 'Contact form on the website sends no email' })
      .first('id');
    for (let i = 0; i < 60; i++) {
      await db('tickets').insert({
        workspace_id: workspace.id,
        client_id: client.id,
        contact_id: contact.id,
        ref: `BULK-${i}`,
        subject: `Extra ticket ${i}`,
        status: i % 2 ? 'resolved' : 'new',
      });
      await db('ticket_messages').insert([
        { workspace_id: workspace.id, ticket_id: ticket.id, author_staff_id: staff.id, body: `Answer ${i}` },
        { workspace_id: workspace.id, ticket_id: ticket.id, author_staff_id: staff.id, is_internal: true, body: `Note ${i}` },
      ]);
      await db('ticket_status_changes').insert({
        workspace_id: workspace.id,
        ticket_id: ticket.id,
        to_status: 'in_progress',
        by_staff_id: staff.id,
      });
      await db('portal_ticket_attachments').insert({
        workspace_id: String(workspace.id),
        client_id: String(client.id),
        ticket_id: String(ticket.id),
        side: 'client',
        client_user_id: user.id,
        author_name: 'Maria García',
        file_id: '00000000-0000-4000-8000-000000000000',
        filename: `file-${i}.pdf`,
        content_type: 'application/pdf',
        size_bytes: 5,
      });
      await db('ticket_files').insert({
        workspace_id: workspace.id,
        ticket_id: ticket.id,
        staff_id: staff.id,
        filename: `agency-${i}.pdf`,
        content_type: 'application/pdf',
        size_bytes: 5,
        content: Buffer.from('%PDF-'),
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
