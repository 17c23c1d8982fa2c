// The appointments' part of a person's data. Appointments are the host's records (the CRM's
// calendar of what the agency agreed with the client); the portal keeps no row of its own about
// them, so an erasure changes nothing here (the activity log's entries are the core's, whose text
// the core removes). An export lists the appointments this person asked for, as the host keeps them.
import type { HostAdapter, PersonalDataHook } from '../../core/index.ts';

/** At most this many of each (coming up, past) in an export. */
const EXPORT_LIMIT = 100;

export function appointmentsPersonalData(deps: { adapter: HostAdapter }): PersonalDataHook {
  const port = deps.adapter.appointments;
  return {
    tables: [],

    async export({ workspaceId, user }) {
      if (!port) return {};
      const now = new Date();
      const pages = await Promise.all(
        (['upcoming', 'past'] as const).map((when) =>
          port.list(workspaceId, user.client_id, user.contact_id, when, now, { limit: EXPORT_LIMIT, after: null }),
        ),
      );
      const appointments = pages
        .flatMap((page) => page.items)
        .filter((a) => a.contactId === user.contact_id)
        .map((a) => ({
          service: a.serviceName,
          startsAt: a.startsAt.toISOString(),
          endsAt: a.endsAt.toISOString(),
          status: a.status,
          note: a.note,
          timeZone: a.timeZone,
          requestedAt: a.requestedAt.toISOString(),
        }));
      return { entries: [{ path: 'appointments.json', json: { appointments } }] };
    },

    async erase() {
      return { counts: {} };
    },
  };
}
