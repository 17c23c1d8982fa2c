// Runs the host adapter contract (host-adapter-contract.ts) against every adapter we ship or test
// with: the reference CRM (its migrations and demo seed) and the second, Dolibarr-like CRM (its
// schema.sql and seed.sql). Each gets a fresh database of its own.
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/connect.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/adapter.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { createSecondCrmAdapter } from '../fixtures/second-crm/adapter.ts';
import { createTestDatabase } from '../support/database.ts';
import { loadSecondCrm, SECOND_LOGINS, SECOND_OTHER_WORKSPACE, SECOND_WORKSPACE } from '../support/second-host-harness.ts';
import { describeHostAdapterContract, type AdapterContractSetup } from './host-adapter-contract.ts';
import { describeRecordPaymentContract } from './payments-contract.ts';

/** Every draft proposal, quotation and invoice of workspace `demo`. */
async function referenceDrafts(db: Knex) {
  const drafts: Array<{ kind: 'proposal' | 'quotation' | 'invoice'; clientId: string; id: string }> = [];
  for (const [kind, table] of [['proposal', 'proposals'], ['quotation', 'quotations'], ['invoice', 'invoices']] as const) {
    const rows = await db(`${table} as r`).join('workspaces as w', 'w.id', 'r.workspace_id').where({ 'w.slug': 'demo', 'r.status': 'draft' }).select('r.id', 'r.client_id');
    for (const row of rows as Array<{ id: number; client_id: number }>) drafts.push({ kind, clientId: String(row.client_id), id: String(row.id) });
  }
  return drafts;
}

async function referenceCrm(): Promise<AdapterContractSetup> {
  const database = await createTestDatabase();
  const db = createKnex(database.url);
  await migrateReferenceCrm(db);
  const logins = await seedReferenceCrm(db);
  const contact = logins.clients.find((login) => login.workspaceSlug === 'demo' && login.email !== 'maria@northwind.test');
  if (!contact) throw new Error('the reference seed has no demo client login');
  return {
    adapter: createReferenceCrmAdapter(db),
    db,
    fixture: { workspaceSlug: 'demo', otherWorkspaceSlug: 'acme', knownContactEmail: contact.email, drafts: await referenceDrafts(db) },
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}

async function secondCrm(): Promise<AdapterContractSetup> {
  const database = await createTestDatabase();
  await loadSecondCrm(database.url);
  const db = createKnex(database.url);
  return {
    adapter: createSecondCrmAdapter(db),
    db,
    fixture: {
      workspaceSlug: SECOND_WORKSPACE,
      otherWorkspaceSlug: SECOND_OTHER_WORKSPACE,
      knownContactEmail: SECOND_LOGINS.claire.email,
      login: { email: SECOND_LOGINS.claire.email, password: SECOND_LOGINS.claire.password },
      // PR2601-0004, validated and awaiting Claire's company's signature.
      commentSubject: { type: 'proposal', id: '4' },
      // PR (PROV5) and FA (PROV3), drafts of Claire's company.
      drafts: [{ kind: 'proposal', clientId: '1', id: '5' }, { kind: 'invoice', clientId: '1', id: '3' }],
    },
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}

describeHostAdapterContract('reference-crm', referenceCrm);
describeHostAdapterContract('second-crm', secondCrm);
// Payments change invoices, so they get databases of their own.
describeRecordPaymentContract('reference-crm', referenceCrm);
describeRecordPaymentContract('second-crm', secondCrm);
