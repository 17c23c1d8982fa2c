// Runs the shared host adapter contract (test/contract) against the Dolibarr binding on Dolibarr
// 23's real schema, loaded into a fresh database per suite and seeded the way Dolibarr writes its
// rows (seed.ts): workspaces, clients, contacts, staff, summaries, proposals and their decisions,
// invoices and recording payments, shared documents and tasks. Dolibarr keeps no client passwords
// per person and no contact-authored comments, so those optional parts of the contract skip.
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { describeHostAdapterContract, type AdapterContractSetup } from '../contract/host-adapter-contract.ts';
import { describeRecordPaymentContract } from '../contract/payments-contract.ts';
import { startDolibarrHost, unavailable } from './dolibarr-host.ts';

async function dolibarr(): Promise<AdapterContractSetup> {
  const host = await startDolibarrHost({ portalTables: true });
  const { db, seed } = host;
  const externalTaskContacts = () =>
    db('llx_element_contact').whereIn(
      'fk_c_type_contact',
      db('llx_c_type_contact').select('rowid').where({ element: 'project_task', source: 'external' }),
    );
  return {
    adapter: createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, dataRoot: host.dataRoot, actingUserId: seed.users.admin }),
    db,
    fixture: {
      workspaceSlug: seed.workspaceSlug,
      knownContactEmail: 'claire@martin.example',
      decisions: {
        accept: { kind: 'proposal', id: String(seed.proposals.accept), clientId: String(seed.companies.bakery) },
        decline: { kind: 'proposal', id: String(seed.proposals.decline), clientId: String(seed.companies.garage) },
        race: { kind: 'proposal', id: String(seed.proposals.race), clientId: String(seed.companies.bakery) },
        otherClientId: String(seed.companies.prospect),
      },
      drafts: [
        { kind: 'proposal', clientId: String(seed.companies.bakery), id: String(seed.proposals.draft) },
        { kind: 'invoice', clientId: String(seed.companies.bakery), id: String(seed.invoices.draft) },
      ],
      documents: { sharedCount: seed.sharedWithBakery },
      tasks: {
        // Handed to Sophie, as Dolibarr's task contacts tab does it: the external assignees go
        // (delete_contact) and Sophie comes in as task executive (add_contact).
        async reassign(taskId) {
          await externalTaskContacts().where('element_id', Number(taskId)).delete();
          await db('llx_element_contact').insert({
            datecreate: db.fn.now(),
            statut: 4,
            element_id: Number(taskId),
            fk_c_type_contact: seed.typeContact.externalExecutive,
            fk_socpeople: seed.contacts.sophie,
          });
        },
        // Task::delete removes the task's contacts, then the task.
        async remove(taskId) {
          await db('llx_element_contact')
            .where('element_id', Number(taskId))
            .whereIn('fk_c_type_contact', db('llx_c_type_contact').select('rowid').where('element', 'project_task'))
            .delete();
          await db('llx_projet_task').where('rowid', Number(taskId)).delete();
        },
      },
    },
    close: host.close,
  };
}

const reason = unavailable();
if (reason) {
  describe('host adapter contract: dolibarr (real schema)', function () {
    it(`is skipped: ${reason}`, function () {
      this.skip();
    });
  });
} else {
  describeHostAdapterContract('dolibarr (real schema)', dolibarr);
  // Payments change invoices, so they get a database of their own.
  describeRecordPaymentContract('dolibarr (real schema)', dolibarr);
}
