// The files of account beside its code (sign-in, the account page, two-factor, passkeys and a new sign-in address).
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as twoFactorAndEmailChange from './migrations/20261204000001_two_factor_and_email_change.ts';
import * as clientPasskeys from './migrations/20270705000001_client_passkeys.ts';
import * as securityLogIndexes from './migrations/20270708000001_security_log_indexes.ts';
import * as securityLogRetention from './migrations/20270709000001_security_log_retention.ts';

export const accountManifest: FeatureManifest = {
  name: 'account',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261204000001_two_factor_and_email_change': twoFactorAndEmailChange,
    '20270705000001_client_passkeys': clientPasskeys,
    '20270708000001_security_log_indexes': securityLogIndexes,
    '20270709000001_security_log_retention': securityLogRetention,
  },
};
