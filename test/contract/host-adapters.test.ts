// Runs the host adapter contract (host-adapter-contract.ts) against every adapter we ship or test
// with: the reference CRM (its migrations and demo seed) and the second, Dolibarr-like CRM (its
// schema.sql and seed.sql). Each gets a fresh database of its own.
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/connect.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/adapter.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { createSecondCrmAdapter } from '../fixtures/second-crm/adapter.ts';
import { writeSeededFiles } from '../fixtures/second-crm/files.ts';
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
  const contact = logins.clients.find((login) => login.workspaceSlug === 'demo' && login.email === 'priya@bluebell.test');
  // Bluebell's shared documents in the seed (plugins/reference-crm/seed-data.ts).
  const sharedCount: Record<string, number> = { 'priya@bluebell.test': 2 };
  if (!contact) throw new Error('the reference seed has no demo client login');
  return {
    adapter: createReferenceCrmAdapter(db),
    db,
    fixture: {
      workspaceSlug: 'demo',
      otherWorkspaceSlug: 'acme',
      knownContactEmail: contact.email,
      drafts: await referenceDrafts(db),
      documents: { sharedCount: sharedCount[contact.email]! },
      tasks: {
        // Handed to a new colleague at the same company; then one task deleted outright.
        async reassign(taskId) {
          const task = await db('tasks').where({ id: Number(taskId) }).first('workspace_id', 'client_id');
          const [colleague] = await db('contacts')
            .insert({ workspace_id: task.workspace_id, client_id: task.client_id, name: 'A colleague', email: `colleague-${taskId}@example.test` })
            .returning('id');
          await db('tasks').where({ id: Number(taskId) }).update({ assigned_contact_id: colleague.id });
        },
        async remove(taskId) {
          await db('tasks').where({ id: Number(taskId) }).delete();
        },
      },
    },
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
    adapter: createSecondCrmAdapter(db, { dataRoot: writeSeededFiles() }),
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
      // PR2601-0001.pdf (a signed proposal) and opening-hours.txt (on the company itself).
      documents: { sharedCount: 2 },
      tasks: {
        // To Sophie, Claire's colleague at the bakery; then a task deleted as Dolibarr does (no soft delete).
        async reassign(taskId) {
          await db('llx_projet_task').where({ rowid: Number(taskId) }).update({ fk_socpeople: 7 });
        },
        async remove(taskId) {
          await db('llx_projet_task').where({ rowid: Number(taskId) }).delete();
        },
      },
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
