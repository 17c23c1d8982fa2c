// The files of appointments beside its code: clients booking time with the agency.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as showAppointments from './migrations/20270404000001_show_appointments.ts';

export const appointmentsManifest: FeatureManifest = {
  name: 'appointments',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270404000001_show_appointments': showAppointments,
  },
};
