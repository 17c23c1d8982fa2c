// The team's part of a person's data: a client admin's request for them as a new colleague holds
// their name and email, and goes on erasure. (The requests they made themselves name others.)
import type { PersonalDataHook } from '../../core/index.ts';
import { deletePersonColleagueRequests } from './request-queries.ts';

export function teamPersonalData(): PersonalDataHook {
  return {
    tables: ['portal_colleague_requests'],
    export: async () => ({}),
    async erase(trx, person) {
      return { counts: { colleague_requests: await deletePersonColleagueRequests(trx, person.workspaceId, person) } };
    },
  };
}
