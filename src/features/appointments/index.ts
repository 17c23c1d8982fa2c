// Appointments: clients book time with the agency, kept by the host, followed in the portal.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createAppointmentsHandlers } from './handlers.ts';
import { appointmentsManifest } from './manifest.ts';
import { appointmentsPersonalData } from './personal-data.ts';
import { appointmentsRoutes } from './routes.ts';

export function appointmentsFeature(core: CoreServices): Feature {
  const { db, adapter, events, logger } = core;
  const { appointments } = adapter;
  return {
    name: appointmentsManifest.name,
    needs: { ports: ['appointments'] },
    personalData: appointmentsPersonalData({ adapter }),
    clientRoutes: appointments
      ? [
          appointmentsRoutes(
            createAppointmentsHandlers({
              db,
              adapter: { ...adapter, appointments },
              bus: events,
              onError: (message, err) => logger.error(message, err),
            }),
          ),
        ]
      : [],
  };
}
