// The files of offers beside its code: proposals and quotations, their decisions, public links and
// reminders, and the staff record page.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as offerDecisionsAndPublicLinks from './migrations/20261126000001_offer_decisions_and_public_links.ts';
import * as publicLinkDecisions from './migrations/20261130000001_public_link_decisions.ts';
import * as recordActivityIndex from './migrations/20261206000002_record_activity_index.ts';
import * as signatureStrokes from './migrations/20261210000001_signature_strokes.ts';
import * as offerReminders from './migrations/20261220000001_offer_reminders.ts';

export const offersManifest: FeatureManifest = {
  name: 'offers',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261126000001_offer_decisions_and_public_links': offerDecisionsAndPublicLinks,
    '20261130000001_public_link_decisions': publicLinkDecisions,
    '20261206000002_record_activity_index': recordActivityIndex,
    '20261210000001_signature_strokes': signatureStrokes,
    '20261220000001_offer_reminders': offerReminders,
  },
  hostPorts: [{ member: 'offers', port: 'OffersPort', methods: ['list', 'find', 'decide'] }],
};
