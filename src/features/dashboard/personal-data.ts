// The dashboard's part of a person's data: the reads kept for their contact (kept-dashboard.ts),
// copies of the agency's records the person saw. Not exported (the records are the agency's and
// the person reads them in the portal); erased with the person, as no one is left to read them, and
// not listed for the agency's review of an erasure: nothing of the person's own is in them.
import { deleteContactSummaries, type PersonalDataHook } from '../../core/index.ts';

export function dashboardPersonalData(): PersonalDataHook {
  return {
    tables: ['portal_client_summaries'],
    export: async () => ({}),
    async erase(trx, person) {
      return { counts: { keptDashboards: await deleteContactSummaries(trx, person.workspaceId, person.contactId) } };
    },
  };
}
