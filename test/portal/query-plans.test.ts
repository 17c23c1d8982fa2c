// Every query the portal's pages run stays on an index as data grows. Scale data is seeded in SQL
// (tens of thousands of invoices, offers, sessions and activity rows in the demo workspace), then
// each page is requested while its queries are recorded, and each recorded statement is EXPLAINed:
// a sequential scan of a large table fails, and so does a plan expensive enough to start
// PostgreSQL's JIT compiler or its parallel workers. Runs on both databases.
import { expect } from 'chai';
import { seedScaleData, SCALE_SIZES } from '../../bench/scale-data.ts';
import { gathers, recordedDuring, type PlanNode, type Recorded } from '../support/plans.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

/**
 * Tables with more rows than this must not be read by a sequential scan. Below it the planner may
 * rightly prefer one (payments, a quarter of the invoices here, are hashed whole at 5,000 rows and
 * read by index at 25,000 and more).
 */
const LARGE_TABLE_ROWS = 8_000;

/**
 * Known exceptions, each with its reason. The admin activity log shows "page n of m", so it counts
 * every entry of the workspace (or of the filter): that count grows with the log whatever the
 * index. The log is an admin page read now and then, not a client page; keyset pages without a
 * total would make it flat.
 */
const ACCEPTED = [/^select count\(\*\) as "count" from "client_activity_logs" where "workspace_id" = \$1$/];

function seqScans(node: PlanNode, found: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) found.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, found);
  return found;
}

describe('query plans on scale data', function () {
  let h: PortalHarness;
  let large: Set<string>;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    const started = Date.now();
    await seedScaleData(h.crm.db, 'demo', SCALE_SIZES.plans);
    if (this.test?.parent) this.test.parent.title += ` (seeded in ${((Date.now() - started) / 1000).toFixed(1)} s)`;
    const { rows } = await h.crm.sessionPool.query<{ relname: string; n: number }>(
      "select relname, reltuples::bigint as n from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace",
    );
    large = new Set(rows.filter((row) => Number(row.n) > LARGE_TABLE_ROWS).map((row) => row.relname));
  });
  after(async function () {
    await h.close();
  });

  async function recordPages(): Promise<Recorded[]> {
    const { recorded } = await recordedDuring(async () => {
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
      const client = await signedInAgent(h.agent(), 'demo', login);
      for (const path of [
        '',
        'account',
        'proposals',
        'quotations',
        'invoices',
        'invoices?status=overdue',
        'documents',
        'tasks',
        'messages',
      ])
        await client.get(`/portal/demo/${path}`).expect(200);
      const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
      const admin = h.agent();
      const page = await admin.get('/signin').expect(200);
      await admin
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
        .expect(303);
      for (const path of ['/settings/client-portal', '/settings/client-portal/clients', '/settings/client-portal/activity'])
        await admin.get(path).expect(200);
    });
    return recorded;
  }

  it('reads no large table sequentially, and never starts the JIT compiler or parallel workers', async function () {
    expect([...large], 'the seed made large tables').to.include.members([
      'invoices',
      'proposals',
      'quotations',
      'client_sessions',
      'client_activity_logs',
    ]);
    const statements = (await recordPages()).filter(
      (q) => /^\s*(select|with|update|delete)\b/i.test(q.sql) && !ACCEPTED.some((re) => re.test(q.sql.trim())),
    );
    expect(statements.length).to.be.greaterThan(10);
    const problems: string[] = [];
    for (const statement of statements) {
      const { rows } = await h.crm.sessionPool.query(`explain (format json) ${statement.sql}`, statement.bindings);
      const plan = (rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode; JIT?: unknown }> })['QUERY PLAN'][0]!;
      const scanned = seqScans(plan.Plan).filter((table) => large.has(table));
      if (scanned.length) problems.push(`sequential scan of ${scanned.join(', ')}: ${statement.sql.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (plan.JIT) problems.push(`JIT: ${statement.sql.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (gathers(plan.Plan) > 0) problems.push(`parallel workers: ${statement.sql.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
