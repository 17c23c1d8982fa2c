// The files of app-push beside its code (the installed portal: manifest, icons, service worker, push).
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as appPush from './migrations/20270203000001_app_push.ts';

export const appPushManifest: FeatureManifest = {
  name: 'app push',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270203000001_app_push': appPush,
  },
};
