// One app instance for the benchmark, in its own process (so the load generator does not share its
// event loop): the reference CRM with the portal, exactly as `npm start` boots it, on the database
// given (DATABASE_URL) or an in-memory embedded one, seeded with scale data of the size asked.
// Prints one JSON line with where it listens and who can sign in, then serves until killed.
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';
import { benchRecords } from './records.ts';
import { seedScaleData, SCALE_SIZES } from './scale-data.ts';

// 'none' serves the demo seed alone, without scale data.
const size = (process.env.BENCH_SIZE ?? 'small') as keyof typeof SCALE_SIZES | 'none';
const sessionSecret = 'benchmark-secret-'.padEnd(48, 'b');
const crm = await bootReferenceCrm({
  databaseUrl: process.env.DATABASE_URL || undefined,
  port: 0,
  sessionSecret,
  flagsFile: flagsFileFor(['demo']),
  // Sign-in requests come with X-Forwarded-For from the load generator, as from a proxy on this host,
  // so the per-address sign-in limit does not stop the password benchmark after 30 tries.
  trustProxy: 'loopback',
  quiet: true,
});
const seedStarted = Date.now();
if (size !== 'none') await seedScaleData(crm.db, 'demo', SCALE_SIZES[size]);
const seedSeconds = (Date.now() - seedStarted) / 1000;
const client = crm.clientLogins.find((login) => login.workspaceSlug === 'demo')!;
const staff = crm.staffLogins.staff.find((login) => login.workspaceSlug === 'demo' && login.role === 'admin')!;
const demoClient = crm.staffLogins.clients.find((login) => login.workspaceSlug === 'demo' && login.email.toLowerCase() === client.email)!;
// Online payments on, so the pay page is there to measure (a workspace starts with them off).
await crm
  .db('workspace_client_portal_settings')
  .insert({ workspace_id: demoClient.workspaceId, allow_online_payments: true })
  .onConflict('workspace_id')
  .merge();
await crm.portal.workspaceChanged(demoClient.workspaceId);
const records = await benchRecords(crm.db, {
  workspaceId: demoClient.workspaceId,
  clientId: demoClient.clientId,
  clientEmail: client.email,
  staffEmail: staff.email,
  secret: sessionSecret,
});
const databaseUrl = (crm.db.client.config.connection as { connectionString: string }).connectionString;
console.log(JSON.stringify({ url: crm.url, databaseUrl, databaseMode: crm.databaseMode, client, staff, records, seedSeconds }));
process.on('SIGTERM', () => {
  void crm.close().finally(() => process.exit(0));
});
