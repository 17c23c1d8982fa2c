// The Citus stage (npm run test:citus): a coordinator and two workers, each a private PostgreSQL 15
// cluster with citus preloaded, then the files below on it. Every test database is made on all
// three and joined (test/support/database.ts, CITUS_WORKER_URLS), and migrate distributes the
// portal's tables there as it would in production. The coordinator logs every statement it sends
// to every shard; the stage fails on one that touches a workspace table without saying it spans
// workspaces (src/core/db/distribution.ts, ACROSS_WORKSPACES). It builds nothing: it needs Citus
// already installed in PostgreSQL 15's library folder. Where it is not, the stage says so and
// passes: plain PostgreSQL runs the structural test (test/migrations/distribution-rules.test.ts) in
// every run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { saysItSpansWorkspaces, touchesWorkspaceTable } from '../support/shard-routing.ts';
import { citusMissing, startCitusCluster } from './cluster.ts';

/**
 * The placement after migrate, and the client journey: every client route, and two instances. The
 * coordinator's log of these is checked for statements sent to every shard, on the portal's tables
 * and the reference CRM's. Their statements are the app's, the fixtures' look-ups of the CRM's seed
 * (by the demo workspace's id, test/route-matrix/matrix.ts) and the clean-up of tables kept by key.
 */
const JOURNEY = ['test/citus/placement.test.ts', 'test/portal/route-matrix.test.ts', 'test/portal/two-instances.test.ts'];

/**
 * The flows around it, run on the cluster for what they answer: sign-in by code and password,
 * two-factor, email change, public links, decisions, documents, payments, messages and their live
 * events, comments, staff notifications and client users, settings, offer reminders, client teams
 * (roles, overrides, the team page and requests for colleagues), client notifications, each
 * person's own data (the export and erasure); and the reference CRM's own screens and binding on
 * its distributed tables (schema and seed, stored invoice totals under concurrent writers, clients,
 * offers, invoices, payments, tasks, documents, staff sign-in). Their own
 * assertions read tables without a workspace, so their log is not checked; the app's statements
 * in them are, by the root hook of every test process (test/support/workspace-statements.ts),
 * with the same rule as the log (test/support/shard-routing.ts).
 */
const FLOWS = [
  'src/features/account/test/sign-in-code.test.ts',
  'src/features/account/test/sign-in-password.test.ts',
  'src/features/account/test/two-factor.test.ts',
  'src/features/account/test/email-change.test.ts',
  'src/features/account/test/account.test.ts',
  'src/features/offers/test/public-links.test.ts',
  'src/features/offers/test/decisions.test.ts',
  'src/features/documents/test/documents.test.ts',
  'src/features/invoices/test/payments.test.ts',
  'src/features/messages/test/messages.test.ts',
  'src/features/messages/test/portal-comments.test.ts',
  'src/features/notifications/test/staff-notifications.test.ts',
  'src/features/admin/test/client-users.test.ts',
  'src/features/admin/test/settings.test.ts',
  'src/features/admin/test/activity.test.ts',
  'src/features/offers/test/offer-reminders.test.ts',
  'src/features/team/test/team.test.ts',
  'src/features/admin/test/client-access.test.ts',
  'src/features/client-notifications/test/client-notifications.test.ts',
  'src/features/privacy/test/privacy.test.ts',
  'test/reference-crm/schema-and-seed.test.ts',
  'test/reference-crm/invoice-stored-totals.test.ts',
  'test/reference-crm/adapter.test.ts',
  'test/reference-crm/clients-contacts.test.ts',
  'test/reference-crm/offers.test.ts',
  'test/reference-crm/invoices.test.ts',
  'test/reference-crm/tasks.test.ts',
  'test/reference-crm/documents.test.ts',
  'test/reference-crm/read-together.test.ts',
  'test/reference-crm/staff-auth.test.ts',
];

const missing = citusMissing();
if (missing) {
  console.log(`The Citus stage did not run: ${missing}.`);
  process.exit(0);
}

const cluster = await startCitusCluster({ 'citus.multi_task_query_log_level': 'warning', log_min_error_statement: 'warning' });
let status = 1;
try {
  const { coordinator, workers } = cluster;
  const mocha = (files: string[]) =>
    spawnSync('npx', ['mocha', ...files], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: coordinator.url(), CITUS_WORKER_URLS: workers.map((worker) => worker.url()).join(',') },
    }).status ?? 1;
  const asked = process.argv.slice(2);
  status = mocha(asked.length > 0 ? asked : JOURNEY);
  const everyShard = statementsSentToEveryShard(readFileSync(path.join(coordinator.dir, 'server.log'), 'utf8'));
  if (everyShard.length > 0) {
    console.log(`\nStatements on workspace tables the coordinator sent to every shard (${everyShard.length}):`);
    for (const statement of everyShard) console.log(`  ${statement.replace(/\s+/g, ' ').slice(0, 300)}`);
    status = 1;
  } else {
    console.log('\nEvery statement on a workspace table went to one shard, but those that say they span workspaces.');
  }
  if (asked.length === 0) status = Math.max(status, mocha(FLOWS));
} finally {
  cluster.destroy();
}

/**
 * The statements after which the coordinator logged "multi-task query" (citus.multi_task_query_log_level
 * and log_min_error_statement at warning put each one's text in the log), on a workspace table and
 * not saying they span workspaces, each once. The tests' own deletes of by-key tables are not on
 * workspace tables.
 */
function statementsSentToEveryShard(log: string): string[] {
  const found = new Set<string>();
  const lines = log.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes('multi-task query about to be executed')) continue;
    const at = lines.findIndex((line, j) => j > i && line.includes(' STATEMENT:  '));
    if (at < 0) continue;
    const statement = [lines[at]!.split(' STATEMENT:  ')[1]!];
    for (let j = at + 1; j < lines.length && !/^\d{4}-\d{2}-\d{2} /.test(lines[j]!); j++) statement.push(lines[j]!);
    const text = statement.join('\n');
    if (touchesWorkspaceTable(text) && !saysItSpansWorkspaces(text)) found.add(text);
  }
  return [...found];
}
process.exit(status);
