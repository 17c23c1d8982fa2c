// Runs the shared host adapter contract (test/contract) against the Alga PSA binding on Alga's
// real schema, loaded into a fresh database per suite and seeded the way Alga writes its rows
// (seed.ts): two tenants, clients, contacts, staff, client logins with Alga's password hashes,
// quotations and their decisions, invoices and recording payments, shared documents and tasks.
// Alga's comments belong to tickets, so the comments part of the contract skips.
// Twice: before the background pass has scanned the tenants (lists read Alga's tables), and after
// it (lists go through the portal's listed records, each row re-checked in Alga's table).
import { scanListedInvoices } from '../../plugins/alga-psa/queries/invoices.ts';
import { scanListedQuotes } from '../../plugins/alga-psa/queries/quotes.ts';
import { describeHostAdapterContract, type AdapterContractSetup } from '../contract/host-adapter-contract.ts';
import { describeRecordPaymentContract } from '../contract/payments-contract.ts';
import { startAlgaHost, tenantSlug, unavailable } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';

async function alga(scanned: boolean): Promise<AdapterContractSetup> {
  const host = await startAlgaHost({ portalTables: true });
  const { db, seed } = host;
  if (scanned)
    for (const tenant of [seed.tenant, seed.otherTenant]) {
      await scanListedInvoices(db, tenant);
      await scanListedQuotes(db, tenant);
    }
  return {
    adapter: host.adapter(),
    db,
    fixture: {
      workspaceSlug: await tenantSlug(db, seed.tenant),
      otherWorkspaceSlug: await tenantSlug(db, seed.otherTenant),
      knownContactEmail: 'claire@harbor.example',
      login: { email: 'claire@harbor.example', password: CLAIRE_PASSWORD },
      decisions: {
        accept: { kind: 'quotation', id: seed.quotes.accept, clientId: seed.clients.bakery },
        decline: { kind: 'quotation', id: seed.quotes.decline, clientId: seed.clients.garage },
        race: { kind: 'quotation', id: seed.quotes.race, clientId: seed.clients.bakery },
        otherClientId: seed.clients.garage,
      },
      drafts: [
        { kind: 'quotation', clientId: seed.clients.bakery, id: seed.quotes.draft },
        { kind: 'quotation', clientId: seed.clients.bakery, id: seed.quotes.template },
        { kind: 'invoice', clientId: seed.clients.bakery, id: seed.invoices.draft },
      ],
      documents: { sharedCount: seed.sharedWithBakery },
      tasks: {
        // Handed to Sophie as Alga's task form does it: assigned_to her client login.
        async reassign(taskId) {
          await db('project_tasks')
            .where({ tenant: seed.tenant, task_id: taskId })
            .update({ assigned_to: seed.users.sophie, updated_at: db.fn.now() });
        },
        // Alga deletes a task's resources and then the task.
        async remove(taskId) {
          await db('task_resources').where({ tenant: seed.tenant, task_id: taskId }).delete();
          await db('project_tasks').where({ tenant: seed.tenant, task_id: taskId }).delete();
        },
      },
    },
    close: host.close,
  };
}

const reason = unavailable();
if (reason) {
  describe('host adapter contract: alga-psa (real schema)', function () {
    it(`is skipped: ${reason}`, function () {
      this.skip();
    });
  });
} else {
  describeHostAdapterContract('alga-psa (real schema)', () => alga(false));
  describeHostAdapterContract('alga-psa (real schema, listed records scanned)', () => alga(true));
  // Payments change invoices, so they get a database of their own.
  describeRecordPaymentContract('alga-psa (real schema)', () => alga(false));
  describeRecordPaymentContract('alga-psa (real schema, listed records scanned)', () => alga(true));
}
