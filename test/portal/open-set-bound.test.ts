// What is open is bounded on the dashboard, as history is: a client with more unpaid invoices and
// more proposals awaiting an answer than SUMMARY_COUNT_LIMIT (a data import gone wrong) costs the
// dashboard's summary at most the limit and one more of each, and the card says "More than 1,000"
// with no sum it could not make. The widgets read their first open rows through the partial
// indexes of open records (the reference CRM's 20270110000001 migration), not the client's history
// newer than them. Open tasks, active projects and open and waiting tickets are counted the same
// way, in the same statement: an imported heap of tens of thousands of them costs what a few do.
// Rows read are counted from the statement's plan, run again under EXPLAIN ANALYZE.
import { expect } from 'chai';
import { SUMMARY_COUNT_LIMIT } from '../../src/core/ports/host.ts';
import { demoNorthwind } from '../support/demo-records.ts';
import { analyzed, recordedDuring, rowsRead } from '../support/plans.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { forgetKeptDashboards } from '../support/kept-dashboards.ts';

/** More open than the dashboard counts, and more decided history, newer than them, than that. */
const OPEN = SUMMARY_COUNT_LIMIT + 500;
const DECIDED = 3 * SUMMARY_COUNT_LIMIT;
/** The widgets' rows and the one more a list reads, with room for the seed's own. */
const WIDGET_ROWS_READ = 20;
/** Open tickets, all waiting on the client: more than both bounded counts of them read together. */
const TICKETS = 3 * SUMMARY_COUNT_LIMIT;

describe('the dashboard with more open invoices, proposals, tasks, projects and tickets than it counts', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let client: ReturnType<PortalHarness['agent']>;
  /** The seed's own tasks of the client, which the count and the widget may each pass over. */
  let seedTasks = 0;

  before(async function () {
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    client = await signedInAgent(h.agent(), 'demo', login);
    const { workspace_id: workspaceId, id: clientId } = await demoNorthwind(h.crm.db);
    // The open ones first, then years of decided ones: newest first, the widgets would walk past
    // all of those before the first open row without an index of open rows alone.
    await h.crm.db.raw(
      `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date, total_cents, paid_cents)
       select ?, ?, 'OPEN-' || g, case when g <= ? then 'sent' else 'paid' end, 'USD',
              date '2020-01-01' + g, date '2020-01-31' + g, 12000, case when g <= ? then 0 else 12000 end
         from generate_series(1, ?) g`,
      [workspaceId, clientId, OPEN, OPEN, OPEN + DECIDED],
    );
    await h.crm.db.raw(
      `insert into proposals (workspace_id, client_id, number, title, status, currency, created_at)
       select ?, ?, 'OPENP-' || g, 'Work ' || g, case when g <= ? then 'sent' else 'accepted' end, 'USD',
              timestamptz '2020-01-01 00:00:00Z' + g * interval '1 hour'
         from generate_series(1, ?) g`,
      [workspaceId, clientId, OPEN, OPEN + DECIDED],
    );
    const seeded = await h.crm
      .db('tasks')
      .where({ workspace_id: workspaceId, client_id: clientId })
      .count<Array<{ count: string }>>('* as count');
    seedTasks = Number(seeded[0]!.count);
    // Open tasks for the whole company (no contact: Maria sees them), active projects, and open
    // tickets waiting on the client, each more than the dashboard counts.
    await h.crm.db.raw(
      `insert into tasks (workspace_id, client_id, title, status, due_date)
       select ?, ?, 'Imported task ' || g, 'open', date '2030-01-01' + g from generate_series(1, ?) g`,
      [workspaceId, clientId, OPEN],
    );
    await h.crm.db.raw(
      `insert into projects (workspace_id, client_id, ref, title, status, start_date)
       select ?, ?, 'PJ-HEAP-' || g, 'Imported project ' || g, 'active', date '2020-01-01' + g from generate_series(1, ?) g`,
      [workspaceId, clientId, OPEN],
    );
    await h.crm.db.raw(
      `insert into tickets (workspace_id, client_id, ref, subject, status, opened_at, last_activity_at)
       select ?, ?, 'HEAP-' || g, 'Imported ticket ' || g, 'waiting_on_client', t, t
         from generate_series(1, ?) g, lateral (select timestamptz '2020-01-01 00:00:00Z' + g * interval '1 hour' as t) stamp`,
      [workspaceId, clientId, TICKETS],
    );
    await h.crm.db.raw('analyze invoices, proposals, tasks, projects, tickets');
    // Tickets are a section a workspace turns on.
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_tickets: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });
  after(async function () {
    await h?.close();
  });
  // Each test measures the host's read, not what a view before kept.
  beforeEach(async function () {
    await forgetKeptDashboards(h.crm.db);
  });

  it('counts each to the limit and one more, and says so, with no sum of the unpaid invoices', async function () {
    const { result: page, recorded } = await recordedDuring(() => client.get('/portal/demo').expect(200));
    expect(page.text).to.contain('More than 1,000 invoices to pay');
    expect(page.text).to.contain('More than 1,000 proposals await your answer');
    expect(page.text).to.contain('Too many to add up here');
    expect(page.text).not.to.contain('Outstanding:');
    const statements = recorded.filter((q) => /\bby_currency\b/.test(q.sql));
    expect(statements, `the dashboard's statement among ${recorded.length}`).to.have.length(1);
    const plan = await analyzed(h.crm.sessionPool, statements[0]!);
    // The open invoices counted, and the widget's first page of them.
    expect(rowsRead(plan, 'invoices'), 'invoices read').to.be.at.most(SUMMARY_COUNT_LIMIT + 1 + WIDGET_ROWS_READ);
    // Open and all proposals, each counted to the limit, and the widget's first page of open ones.
    expect(rowsRead(plan, 'proposals'), 'proposals read').to.be.at.most(2 * (SUMMARY_COUNT_LIMIT + 1) + WIDGET_ROWS_READ);
  });

  it('counts open tasks, active projects and open and waiting tickets to the limit and one more, in the same statement', async function () {
    const { result: page, recorded } = await recordedDuring(() => client.get('/portal/demo').expect(200));
    expect(page.text).to.contain('More than 1,000 open tasks for you');
    expect(page.text).to.contain('More than 1,000 active projects');
    expect(page.text).to.contain('More than 1,000 open support tickets');
    expect(page.text).to.contain('More than 1,000 waiting for your answer');
    const statements = recorded.filter((q) => /\bby_currency\b/.test(q.sql));
    expect(statements, `the dashboard's statement among ${recorded.length}`).to.have.length(1);
    const plan = await analyzed(h.crm.sessionPool, statements[0]!);
    // The open tasks counted, and the widget's first page of them by due date: not the 1,500.
    expect(rowsRead(plan, 'tasks'), 'tasks read').to.be.at.most(SUMMARY_COUNT_LIMIT + 1 + WIDGET_ROWS_READ + 2 * seedTasks);
    expect(rowsRead(plan, 'projects'), 'projects read').to.be.at.most(SUMMARY_COUNT_LIMIT + 1 + WIDGET_ROWS_READ);
    // The open tickets and those waiting, each counted to the limit: not the 3,000 of them.
    expect(rowsRead(plan, 'tickets'), 'tickets read').to.be.at.most(2 * (SUMMARY_COUNT_LIMIT + 1) + WIDGET_ROWS_READ);
  });

  it('shows the German card as clearly', async function () {
    const page = await client.get('/portal/demo').set('Accept-Language', 'de').expect(200);
    expect(page.text).to.contain('Mehr als 1.000 Rechnungen zu bezahlen');
    expect(page.text).to.contain('Mehr als 1.000 Angebote warten auf Ihre Antwort');
    expect(page.text).to.contain('Mehr als 1.000 offene Aufgaben für Sie');
    expect(page.text).to.contain('Mehr als 1.000 aktive Projekte');
    expect(page.text).to.contain('Mehr als 1.000 offene Support-Tickets');
    expect(page.text).to.contain('Mehr als 1.000 warten auf Ihre Antwort');
  });
});
