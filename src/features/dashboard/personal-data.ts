// The dashboard's part of a person's data: the reads kept for their company's people
// (kept-dashboard.ts), copies of the agency's records, which may name the person (an upload of
// theirs). Not exported: the records are the agency's, and the person reads them in the portal.
// Erased with the person, all of the company's (each is read afresh at its next view); not listed
// for the agency's review of an erasure, as it keeps nothing the host does not.
import { deleteClientSummaries, type PersonalDataHook } from '../../core/index.ts';

export function dashboardPersonalData(): PersonalDataHook {
  return {
    tables: ['portal_client_summaries'],
    export: async () => ({}),
    async erase(trx, person) {
      return { counts: { keptDashboards: await deleteClientSummaries(trx, person.workspaceId, person.clientId) } };
    },
  };
}
