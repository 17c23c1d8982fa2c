// The files of single sign-on beside its code: clients signing in through their company’s identity provider.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as singleSignOn from './migrations/20270201000001_single_sign_on.ts';
import * as samlSignOn from './migrations/20270706000001_saml_sign_on.ts';
import * as samlConsumerServiceOfRequest from './migrations/20270710000001_saml_consumer_service_of_request.ts';

export const singleSignOnManifest: FeatureManifest = {
  name: 'single-sign-on',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270201000001_single_sign_on': singleSignOn,
    '20270706000001_saml_sign_on': samlSignOn,
    '20270710000001_saml_consumer_service_of_request': samlConsumerServiceOfRequest,
  },
  staffPages: [{ path: '/single-sign-on', label: 'singleSignOn:staffNav', order: 140 }],
};
