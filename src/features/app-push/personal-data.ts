// The push part of a person's data: the devices they turned push on in (browser and system, when,
// when last reached). The export lists them without the endpoint and keys, which are the push
// service's addresses, not facts about the person; an erasure removes every subscription, so
// nothing more reaches their devices.
import type { PersonalDataHook } from '../../core/index.ts';
import { countPersonSubscriptions, deletePersonSubscriptions, exportSubscriptions } from './queries.ts';

export function appPushPersonalData(db: Parameters<typeof exportSubscriptions>[0]): PersonalDataHook {
  return {
    tables: ['portal_push_subscriptions'],
    async export(subject) {
      const devices = await exportSubscriptions(db, subject.workspaceId, subject.user.id);
      return devices.length === 0 ? {} : { entries: [{ path: 'push-devices.json', json: devices }] };
    },
    async erase(trx, person) {
      return { counts: { pushDevices: await deletePersonSubscriptions(trx, person.workspaceId, person.id) } };
    },
    counts: (knex, person) => ({ pushDevices: countPersonSubscriptions(knex, person.workspaceId, person.id) }),
  };
}
