// Appointments: clients book time with the agency, kept by the host, followed in the portal.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createAppointmentsHandlers } from './handlers.ts';
import { createInvitations, type Invitations } from './invitations.ts';
import { appointmentsManifest } from './manifest.ts';
import { appointmentsPersonalData } from './personal-data.ts';
import { appointmentsRoutes } from './routes.ts';

// This feature's host port, for the features that build on it.
export type { Appointment } from './port.ts';

// The dashboard shows what is coming as the appointments pages show it.
export { presentAppointment } from './presenters.ts';

export function appointmentsFeature(core: CoreServices): Feature & { invitations: Invitations | null } {
  const { db, adapter, events, logger } = core;
  const { appointments } = adapter;
  const invitations = appointments
    ? createInvitations({
        db,
        appointments,
        mailer: core.mailer,
        workspaces: core.workspaces,
        links: core.links,
        appUrl: core.config.appUrl,
        now: core.now,
      })
    : null;
  return {
    name: appointmentsManifest.name,
    needs: { ports: ['appointments'] },
    personalData: appointmentsPersonalData({ adapter }),
    invitations,
    clientRoutes:
      appointments && invitations
        ? [
            appointmentsRoutes(
              createAppointmentsHandlers({
                db,
                adapter: { ...adapter, appointments },
                bus: events,
                invitations,
                links: core.links,
                limiter: core.limiter,
                onError: (message, err) => logger.error(message, err),
              }),
              { takesOffers: typeof appointments.takeOffer === 'function', reschedules: typeof appointments.reschedule === 'function' },
            ),
          ]
        : [],
  };
}
