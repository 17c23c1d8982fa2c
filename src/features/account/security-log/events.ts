// The events a person reads in their sign-in and security log: how their account was entered or
// tried, and every change to how it is entered or what it can pay with. The partial indexes of
// migrations/20270708000001_security_log_indexes.ts and 20270709000001_security_log_retention.ts
// hold exactly these rows: a change here needs a new migration with the same list
// (test/security-log.test.ts compares them). Only these rows are deleted after the workspace's
// period (retention.ts); the rest of the activity log is kept.
import type { ActivityEvent } from '../../../core/index.ts';

export const SECURITY_EVENTS: readonly ActivityEvent[] = [
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_in.locked',
  'password.changed',
  'password.reset',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.recovery_codes_renewed',
  'two_factor.reset',
  'two_factor.failed',
  'two_factor.locked',
  'passkey.added',
  'passkey.removed',
  'session.revoked',
  'email.changed',
  'payment_method.added',
  'payment_method.removed',
];

/** Sign-in methods the log names; another stored value is left unsaid rather than shown raw. */
export const SIGN_IN_METHODS: ReadonlySet<string> = new Set(['password', 'code', 'sso', 'passkey', 'link']);
