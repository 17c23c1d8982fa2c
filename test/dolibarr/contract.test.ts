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
        // Dolibarr shows a task to whoever sees its project, whoever is assigned to it: a task
        // leaves Claire when it moves to a project she does not see. Task::update writes fk_projet
        // (the REST API's PUT /tasks/{id} with fk_project); the garage's project, its contacts
        // theirs. Its own external assignees go with it (delete_contact).
        async reassign(taskId) {
          await externalTaskContacts().where('element_id', Number(taskId)).delete();
          const [garageProject] = await db('llx_projet')
            .insert({
              fk_soc: seed.companies.garage,
              ref: `PJ-GARAGE-${taskId}`,
              title: 'Garage workshop',
              entity: seed.entity,
              fk_user_creat: seed.users.admin,
              fk_statut: 1,
              public: 1,
              datec: db.fn.now(),
            })
            .returning('rowid');
          await db('llx_projet_task')
            .where('rowid', Number(taskId))
            .update({ fk_projet: (garageProject as { rowid: number }).rowid });
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
