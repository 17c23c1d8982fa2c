// Two-factor set-up and removal, and changing the sign-in email: every client has these pages of
// their own, so no other client's record is reachable through them. The owner's posts are sent
// without the password or code that confirms it is them, so they are refused with a message (400)
// without spending the owner's current-password budget.
import type { MatrixRoute } from './matrix.ts';

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/account/two-factor', url: () => '/account/two-factor', ownedByClient: false },
  { method: 'GET', path: '/account/two-factor/setup', url: () => '/account/two-factor/setup', ownedByClient: false },
  {
    method: 'POST',
    path: '/account/two-factor/setup',
    url: () => '/account/two-factor/setup',
    form: { code: '000000' },
    ownedByClient: false,
    ownerStatus: [400],
  },
  // Nothing to show unless set-up was just confirmed: back to the two-factor page.
  {
    method: 'GET',
    path: '/account/two-factor/recovery-codes',
    url: () => '/account/two-factor/recovery-codes',
    ownedByClient: false,
    ownerStatus: [303],
  },
  // New recovery codes: without two-factor on there is nothing to renew (303); with it, the missing password is refused (400).
  {
    method: 'POST',
    path: '/account/two-factor/recovery-codes',
    url: () => '/account/two-factor/recovery-codes',
    form: {},
    ownedByClient: false,
    ownerStatus: [303, 400],
  },
  {
    method: 'POST',
    path: '/account/two-factor/remove',
    url: () => '/account/two-factor/remove',
    form: {},
    ownedByClient: false,
    ownerStatus: [303, 400],
  },
  { method: 'GET', path: '/account/two-factor/remove', url: () => '/account/two-factor/remove', ownedByClient: false, ownerStatus: [303] },
  {
    method: 'POST',
    path: '/account/confirmation-code',
    url: () => '/account/confirmation-code',
    form: { for: 'email' },
    ownedByClient: false,
    ownerStatus: [303],
  },
  { method: 'GET', path: '/account/confirmation-code', url: () => '/account/confirmation-code', ownedByClient: false, ownerStatus: [303] },
  { method: 'GET', path: '/account/email', url: () => '/account/email', ownedByClient: false },
  {
    method: 'POST',
    path: '/account/email',
    url: () => '/account/email',
    form: { email: 'someone-new@example.test' },
    ownedByClient: false,
    ownerStatus: [400],
  },
  // Without a code sent first there is nothing to confirm: back to the form.
  { method: 'GET', path: '/account/email/confirm', url: () => '/account/email/confirm', ownedByClient: false, ownerStatus: [303] },
  {
    method: 'POST',
    path: '/account/email/confirm',
    url: () => '/account/email/confirm',
    form: { code: '123456' },
    ownedByClient: false,
    ownerStatus: [303, 400],
  },
];
