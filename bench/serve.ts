// One app instance for the benchmark, in its own process (so the load generator does not share its
// event loop): the reference CRM with the portal, exactly as `npm start` boots it, on the database
// given (DATABASE_URL) or an in-memory embedded one, seeded with scale data of the size asked.
// Prints one JSON line with where it listens and who can sign in, then serves until killed.
import { randomUUID } from 'node:crypto';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { homepageDesign } from '../plugins/reference-crm/seed-approvals.ts';
import type { HostAdapter } from '../src/core/ports/host.ts';
import { insertKeptApproval } from '../src/features/approvals/kept-queries.ts';
import { type DiskApprovalFiles, diskApprovalFiles, referenceCrmKnows } from '../test/support/disk-approval-files.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';
import { benchRecords } from './records.ts';
import { serveRoundTripMeter } from './round-trip-meter.ts';
import { seedScaleData, SCALE_SIZES } from './scale-data.ts';

// 'none' serves the demo seed alone, without scale data.
const size = (process.env.BENCH_SIZE ?? 'small') as keyof typeof SCALE_SIZES | 'none';
const sessionSecret = 'benchmark-secret-'.padEnd(48, 'b');
// Stripe's events are measured as a replay (bench/run.ts signs it when it measures): no API call.
const stripe = { secretKey: 'sk_test_benchmark', webhookSecret: 'whsec_benchmark' };
// BENCH_HOST=kept-approvals: the reference CRM as a host that keeps only the files of approvals
// (on disk, test/support/disk-approval-files.ts), so the portal keeps the approvals themselves.
const keptApprovals = process.env.BENCH_HOST === 'kept-approvals';
let approvalFiles: DiskApprovalFiles | undefined;
const keepingOnlyFiles = (adapter: HostAdapter): HostAdapter => {
  approvalFiles = diskApprovalFiles(referenceCrmKnows(adapter));
  const { approvals: _own, ...rest } = adapter;
  return { ...rest, approvalFiles };
};
const crm = await bootReferenceCrm({
  databaseUrl: process.env.DATABASE_URL || undefined,
  port: 0,
  sessionSecret,
  flagsFile: flagsFileFor(['demo']),
  // Sign-in requests come with X-Forwarded-For from the load generator, as from a proxy on this host,
  // so the per-address sign-in limit does not stop the password benchmark after 30 tries.
  trustProxy: 'loopback',
  quiet: true,
  stripe,
  ...(keptApprovals ? { hostAdapter: keepingOnlyFiles } : {}),
});
const seedStarted = Date.now();
if (size !== 'none') await seedScaleData(crm.db, 'demo', SCALE_SIZES[size]);
const seedSeconds = (Date.now() - seedStarted) / 1000;
const client = crm.clientLogins.find((login) => login.workspaceSlug === 'demo')!;
const staff = crm.staffLogins.staff.find((login) => login.workspaceSlug === 'demo' && login.role === 'admin')!;
const demoClient = crm.staffLogins.clients.find((login) => login.workspaceSlug === 'demo' && login.email.toLowerCase() === client.email)!;
// Online payments, tickets, requests, appointments, approvals, company details and devices on, so the pay page and those sections' pages
// are there to measure (a workspace starts with them off).
await crm
  .db('workspace_client_portal_settings')
  .insert({
    workspace_id: demoClient.workspaceId,
    allow_online_payments: true,
    show_tickets: true,
    show_requests: true,
    show_appointments: true,
    show_approvals: true,
    allow_company_details_edit: true,
    show_devices: true,
    show_contracts: true,
    show_time_entries_to_clients: true,
  })
  .onConflict('workspace_id')
  .merge();
// Orders on too (a workspace starts with them off).
await crm.db('workspace_client_portal_settings').where({ workspace_id: demoClient.workspaceId }).update({ show_orders: true });
// Saved payment methods and autopay offered, so their page is there to measure.
await crm
  .db('portal_payment_settings')
  .insert({ workspace_id: demoClient.workspaceId, online_provider: 'demo', autopay_allowed: true })
  .onConflict('workspace_id')
  .merge(['online_provider', 'autopay_allowed']);
await crm.portal.workspaceChanged(demoClient.workspaceId);
const records: Record<string, string> = await benchRecords(crm.db, {
  workspaceId: demoClient.workspaceId,
  clientId: demoClient.clientId,
  clientEmail: client.email,
  staffEmail: staff.email,
  secret: sessionSecret,
});
// Beside a host that keeps only their files: a piece of work the portal keeps, at version 1.
if (approvalFiles) {
  const files = approvalFiles;
  const design = homepageDesign();
  records.keptApproval = await crm.db.transaction(async (trx) => {
    const upload = { title: 'Homepage design', version: 1, fileName: 'homepage-design.png', contentType: 'image/png', content: design };
    const fileRef = await files.keep(demoClient.workspaceId, demoClient.clientId, { ...upload, sharedBy: '1' }, { trx });
    return insertKeptApproval(trx, {
      workspaceId: demoClient.workspaceId,
      clientId: demoClient.clientId,
      title: upload.title,
      createdBy: '1',
      version: {
        fileRef: fileRef!,
        fileName: upload.fileName,
        contentType: upload.contentType,
        sizeBytes: design.length,
        message: 'The first draft.',
        sharedBy: '1',
        sharedAt: new Date(),
      },
    });
  });
}
// A Stripe checkout of the demo client's payable invoice, and the completed event that pays it.
const paymentId = randomUUID();
const { currency: payableCurrency } = await crm
  .db('invoices')
  .where({ workspace_id: demoClient.workspaceId, id: records.payable })
  .first('currency');
const clientUser = await crm.db('client_users').where({ workspace_id: demoClient.workspaceId, client_id: demoClient.clientId }).first('id');
await crm.db('client_payments').insert({
  id: paymentId,
  checkout_id: paymentId,
  workspace_id: demoClient.workspaceId,
  client_id: demoClient.clientId,
  client_user_id: clientUser.id,
  invoice_id: records.payable,
  invoice_number: 'bench',
  provider: 'stripe',
  amount_cents: 100,
  currency: payableCurrency,
});
// Money a checkout took that could not be applied: the staff list of it shows a row and its Refund button.
await crm.db('client_unapplied_payments').insert({
  workspace_id: demoClient.workspaceId,
  id: randomUUID(),
  payment_id: randomUUID(),
  client_id: demoClient.clientId,
  invoice_id: records.payable,
  invoice_number: 'bench',
  provider: 'stripe',
  amount_cents: 100,
  currency: payableCurrency,
  reference: 'pi_test_bench_unapplied',
  reason: 'checkout_closed',
});
const stripeEvent = {
  path: '/portal/demo/payments/callback/stripe',
  webhookSecret: stripe.webhookSecret,
  payload: JSON.stringify({
    id: `evt_bench_${paymentId}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: 'cs_test_bench',
        object: 'checkout.session',
        client_reference_id: paymentId,
        metadata: { portal_payment_id: paymentId, portal_workspace_id: demoClient.workspaceId },
        amount_total: 100,
        currency: payableCurrency.toLowerCase(),
        payment_status: 'paid',
        payment_intent: 'pi_test_bench',
      },
    },
  }),
};
const databaseUrl = (crm.db.client.config.connection as { connectionString: string }).connectionString;
const meterUrl = await serveRoundTripMeter();
console.log(
  JSON.stringify({ url: crm.url, databaseUrl, databaseMode: crm.databaseMode, client, staff, records, seedSeconds, stripeEvent, meterUrl }),
);
process.on('SIGTERM', () => {
  void crm.close().finally(() => {
    approvalFiles?.close();
    process.exit(0);
  });
});
