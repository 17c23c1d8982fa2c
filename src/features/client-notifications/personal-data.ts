// The client notifications' part of a person's data: what the portal told them about records
// (each record's type, title and number). The records are the agency's, and the person reads the
// notifications in the portal, so the export leaves them out; an erasure removes them, as no one
// is left to read them.
import type { PersonalDataHook } from '../../core/index.ts';
import { countPersonNotifications, deletePersonNotifications } from './queries.ts';

export function clientNotificationsPersonalData(): PersonalDataHook {
  return {
    tables: ['portal_client_notifications'],
    export: async () => ({}),
    async erase(trx, person) {
      return { counts: { notifications: await deletePersonNotifications(trx, person.workspaceId, person.id) } };
    },
    counts: (db, person) => ({ notifications: countPersonNotifications(db, person.workspaceId, person.id) }),
  };
}
