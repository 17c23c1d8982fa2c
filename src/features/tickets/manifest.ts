// The files of tickets beside its code: the client's support tickets.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as tickets from './migrations/20270102000001_tickets.ts';

export const ticketsManifest: FeatureManifest = {
  name: 'tickets',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270102000001_tickets': tickets,
  },
};
