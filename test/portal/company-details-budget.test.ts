// Round trips per request for the Company page (reading it, as a client admin with its form, and
// saving a change): counted as knex query events on the app's connection, first on the seed, then
// with a hundred more companies and two hundred earlier changes in the log. The count must not grow
// with the data, and stays under a budget.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('company details query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let trips: RoundTripCounter;
  const URL = '/portal/demo/account/company';
  // Once warm, the page is one read of the company's row; a save is its transaction: the row read,
  // read again under its lock, written, and the log's entry (begin and commit count too).
  const PAGE_BUDGET = 1;
  const SAVE_BUDGET = 6;

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    const db = h.crm.db;
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'olivia@northwind.test')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    workspaceId = (await db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), allow_company_details_edit: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const pageTrips = () => trips.get(agent, URL);

  let n = 0;
  async function saveTrips(): Promise<number> {
    const csrf = csrfFrom((await agent.get(URL).expect(200)).text);
    n += 1;
    return trips.during(() =>
      agent
        .post(URL)
        .type('form')
        .send({
          _csrf: csrf,
          addressLine1: `${n} Harbor Street`,
          city: 'Seattle',
          postalCode: '98101',
          countryCode: 'US',
          phone: `+1 206 555 01${n}`,
        })
        .expect(303),
    );
  }

  it('stays within budget, and does not grow with the number of companies and changes', async function () {
    const page = await pageTrips();
    const save = await saveTrips();
    const db = h.crm.db;
    await db('clients').insert(
      Array.from({ length: 100 }, (_, i) => ({
        workspace_id: workspaceId,
        name: `Budget Company ${i}`,
        address: `${i} Main Street\nSpringfield`,
      })),
    );
    for (let i = 0; i < 20; i++) await saveTrips();
    await db('client_activity_logs').insert(
      Array.from({ length: 180 }, () => ({
        workspace_id: String(workspaceId),
        event: 'company.details_changed',
        details: { changes: [] },
      })),
    );
    const pageAfter = await pageTrips();
    const saveAfter = await saveTrips();
    expect(pageAfter, `the page: ${page} round trips with the seed, ${pageAfter} with more data`).to.equal(page);
    expect(saveAfter, `a save: ${save} round trips with the seed, ${saveAfter} with more data`).to.equal(save);
    expect(page, `the page made ${page} round trips`).to.be.at.most(PAGE_BUDGET);
    expect(save, `a save made ${save} round trips`).to.be.at.most(SAVE_BUDGET);
    console.log(`      Company page: ${page} round trip(s); a save: ${save}`);
  });
});
