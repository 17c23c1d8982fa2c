// Round trips per request for the devices section: the list (all, filtered, a search), a device's
// page with the tickets about it, and the new-ticket form started from it, counted as knex query
// events on the app's connection, first with the seed, then with many more devices and tickets
// linked to them. The count must not grow with the data, and stays under a budget.
import { expect } from 'chai';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('devices query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let deviceUrl: string;
  let newTicketUrl: string;
  let trips: RoundTripCounter;
  // The session, its client user and contact come from the cache once warm: the list reads a page
  // of devices; a device's page the device and its tickets; the form the device and the host's
  // ticket choices (categories and priorities, two reads).
  const budgets = (): Record<string, number> => ({
    '/portal/demo/devices': 1,
    '/portal/demo/devices?type=server&state=active': 1,
    '/portal/demo/devices?q=laptop': 1,
    [deviceUrl]: 2,
    [newTicketUrl]: 3,
  });

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), show_devices: true, show_tickets: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    const device = await h.crm.db('devices').where({ workspace_id: workspace.id, name: 'Web server' }).first('id');
    deviceUrl = `/portal/demo/devices/${device.id}`;
    newTicketUrl = `/portal/demo/tickets/new?device=${device.id}`;
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the number of devices and tickets', async function () {
    const before: Record<string, number> = {};
    const counted: string[] = [];
    for (const url of Object.keys(budgets())) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const web = Number(deviceUrl.split('/').pop());
    const { client_id: clientId } = await db('devices').where({ workspace_id: workspace.id, id: web }).first('client_id');
    const contact = await db('contacts').where({ workspace_id: workspace.id, client_id: clientId }).orderBy('id').first('id');
    for (let i = 0; i < 40; i++) {
      const [device] = await db('devices')
        .insert({ workspace_id: workspace.id, client_id: clientId, name: `Laptop ${i}`, kind: 'workstation', asset_tag: `NW-1${i}` })
        .returning('id');
      const [ticket] = await db('tickets')
        .insert({
          workspace_id: workspace.id,
          client_id: clientId,
          contact_id: contact.id,
          ref: `TIC-B${i}`,
          subject: `Budget ticket ${i}`,
          description: 'More data',
          status: 'new',
        })
        .returning('id');
      for (const id of [device.id, web])
        await db('device_tickets').insert({ workspace_id: workspace.id, device_id: id, ticket_id: ticket.id });
    }
    for (const [url, budget] of Object.entries(budgets())) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
      counted.push(`${url.replace(/\d+$/, ':id')}: ${after}`);
    }
    console.log(`      round trips: ${counted.join(', ')}`);
  });
});
