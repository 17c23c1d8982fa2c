// Runs the host adapter contract (host-adapter-contract.ts) against every adapter we ship or test
// with: the reference CRM (its migrations and demo seed) and the second, Dolibarr-like CRM (its
// schema.sql and seed.sql). Each gets a fresh database of its own.
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/connect.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/adapter.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { createSecondCrmAdapter } from '../../plugins/second-crm/adapter.ts';
import { writeSeededFiles } from '../fixtures/second-crm/files.ts';
import { createTestDatabase } from '../support/database.ts';
import { loadSecondCrm, SECOND_LOGINS, SECOND_OTHER_WORKSPACE, SECOND_WORKSPACE } from '../support/second-host-harness.ts';
import { describeHostAdapterContract, type AdapterContractSetup } from './host-adapter-contract.ts';
import { describeRecordPaymentContract } from './payments-contract.ts';
import type { OfferDecisionsFixture } from './offer-decisions-contract.ts';

/** Three sent offers of workspace demo (two clients' proposals and a quotation) and a client owning none. */
async function openOffers(db: Knex): Promise<OfferDecisionsFixture> {
  const demo = db('workspaces').select('id').where('slug', 'demo');
  const proposals = await db('proposals').where({ status: 'sent' }).whereIn('workspace_id', demo).orderBy('id').select('id', 'client_id');
  const quotations = await db('quotations').where({ status: 'sent' }).whereIn('workspace_id', demo).orderBy('id').select('id', 'client_id');
  const [accept, race] = proposals;
  const [decline] = quotations;
  if (!accept || !race || !decline) throw new Error('the reference seed needs two sent proposals and a sent quotation in demo');
  const owners = [accept.client_id, race.client_id, decline.client_id];
  const other = await db('clients').whereIn('workspace_id', demo).whereNotIn('id', owners).first('id');
  if (!other) throw new Error('the reference seed needs a demo client without those offers');
  const subject = (kind: 'proposal' | 'quotation', row: { id: number; client_id: number }) => ({ kind, id: String(row.id), clientId: String(row.client_id) });
  return { accept: subject('proposal', accept), decline: subject('quotation', decline), race: subject('proposal', race), otherClientId: String(other.id) };
}

/** A validated (open) proposal of Garage Dupont in entity 1, for the concurrency case (the seed sets rowids itself, so this one does too). */
async function addOpenProposal(db: Knex): Promise<string> {
  const [row] = await db('llx_propal')
    .insert({ rowid: 90, entity: 1, ref: 'PR2601-0090', fk_soc: 2, datec: '2026-02-01 09:00', datep: '2026-02-01', fin_validite: '2026-03-01 23:59', fk_statut: 1, total_ht: 100, total_tva: 20, total_ttc: 120, multicurrency_code: 'EUR' })
    .returning('rowid');
  await db('llx_propaldet').insert({ fk_propal: row.rowid, description: 'Tyre change', qty: 1, subprice: 100, total_ht: 100, total_ttc: 120, rang: 1 });
  return String(row.rowid);
}

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
      decisions: await openOffers(db),
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
      // The fixture's two validated proposals (Garage Dupont's and Claire's company's), and a third
      // added for the race, all open; the host keeps no quotations.
      decisions: {
        accept: { kind: 'proposal', id: '2', clientId: '2' },
        decline: { kind: 'proposal', id: '4', clientId: '1' },
        race: { kind: 'proposal', id: await addOpenProposal(db), clientId: '2' },
        otherClientId: '1',
      },
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
