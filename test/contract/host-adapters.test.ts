// Runs the host adapter contract (host-adapter-contract.ts) against the reference CRM (its
// migrations and demo seed), on a fresh database of its own. The bindings on real CRM schemas run
// the same contract in their own files (test/dolibarr/contract.test.ts, test/alga-psa/contract.test.ts).
import type { Knex } from 'knex';
import { createKnex } from '../../src/core/db/connect.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { createTestDatabase } from '../support/database.ts';
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
  const subject = (kind: 'proposal' | 'quotation', row: { id: number; client_id: number }) => ({
    kind,
    id: String(row.id),
    clientId: String(row.client_id),
  });
  return {
    accept: subject('proposal', accept),
    decline: subject('quotation', decline),
    race: subject('proposal', race),
    otherClientId: String(other.id),
  };
}

/** Every draft proposal, quotation and invoice of workspace `demo`. */
async function referenceDrafts(db: Knex) {
  const drafts: Array<{ kind: 'proposal' | 'quotation' | 'invoice'; clientId: string; id: string }> = [];
  for (const [kind, table] of [
    ['proposal', 'proposals'],
    ['quotation', 'quotations'],
    ['invoice', 'invoices'],
  ] as const) {
    const rows = await db(`${table} as r`)
      .join('workspaces as w', 'w.id', 'r.workspace_id')
      .where({ 'w.slug': 'demo', 'r.status': 'draft' })
      .select('r.id', 'r.client_id');
    for (const row of rows as Array<{ id: number; client_id: number }>)
      drafts.push({ kind, clientId: String(row.client_id), id: String(row.id) });
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
          const task = await db('tasks')
            .where({ id: Number(taskId) })
            .first('workspace_id', 'client_id');
          const [colleague] = await db('contacts')
            .insert({
              workspace_id: task.workspace_id,
              client_id: task.client_id,
              name: 'A colleague',
              email: `colleague-${taskId}@example.test`,
            })
            .returning('id');
          await db('tasks')
            .where({ id: Number(taskId) })
            .update({ assigned_contact_id: colleague.id });
        },
        async remove(taskId) {
          await db('tasks')
            .where({ id: Number(taskId) })
            .delete();
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
// Payments change invoices, so they get databases of their own.
describeRecordPaymentContract('reference-crm', referenceCrm);
