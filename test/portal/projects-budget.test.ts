// Round trips per request for the projects list (each tab and a search) and a project's page:
// counted as knex query events on the app's connection, first with the seed, then with many more
// projects, phases and tasks. The count must not grow with the data, and stays under a budget.
import { expect } from 'chai';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('projects query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let projectUrl: string;
  let trips: RoundTripCounter;
  // The session with its client user and contact are the fixed cost of every page (2 here); then
  // the list is one read, and a project's page its project, phases, tasks and shared documents.
  const budgets = (): Record<string, number> => ({
    '/portal/demo/projects': 3,
    '/portal/demo/projects?tab=all': 3,
    '/portal/demo/projects?tab=completed&q=photo': 3,
    [projectUrl]: 6,
  });

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    agent = await signedInDemoClient(h, 'maria@northwind.test');
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const project = await h.crm.db('projects').where({ workspace_id: workspace.id, ref: 'PJ-2026-001' }).first('id');
    projectUrl = `/portal/demo/projects/${project.id}`;
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the number of projects, phases and tasks', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets())) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const client = await db('clients').where({ workspace_id: workspace.id, name: 'Northwind Traders' }).first('id');
    const project = await db('projects').where({ workspace_id: workspace.id, ref: 'PJ-2026-001' }).first('id');
    const [phase] = await db('project_phases')
      .insert({ workspace_id: workspace.id, project_id: project.id, name: 'Aftercare', position: 4 })
      .returning('id');
    for (let i = 0; i < 40; i++) {
      const [extra] = await db('projects')
        .insert({
          workspace_id: workspace.id,
          client_id: client.id,
          ref: `PJ-EXTRA-${i}`,
          title: `Extra project ${i}`,
          status: ['active', 'on_hold', 'completed'][i % 3],
          start_date: `2026-0${(i % 9) + 1}-01`,
        })
        .returning('id');
      await db('tasks').insert([
        { workspace_id: workspace.id, client_id: client.id, title: `Extra task ${i}`, status: 'done', project_id: extra.id },
        {
          workspace_id: workspace.id,
          client_id: client.id,
          title: `Aftercare task ${i}`,
          status: 'open',
          project_id: project.id,
          phase_id: phase.id ?? phase,
        },
      ]);
    }
    for (const [url, budget] of Object.entries(budgets())) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });
});
