// The dashboard and the account page: every signed-in client has them, so no other client can
// reach a record of someone else through them (their session routes are covered below).
import { hashSessionId } from '../../src/core/sessions/portal-sessions.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import type { MatrixRoute } from './matrix.ts';

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/', url: () => '/', ownedByClient: false },
  { method: 'GET', path: '/account', url: () => '/account', ownedByClient: false },
  {
    method: 'POST',
    path: '/account/profile',
    url: () => '/account/profile',
    form: { name: 'Maria García', phone: '' },
    ownedByClient: false,
    ownerStatus: [303],
  },
  { method: 'GET', path: '/account/profile', url: () => '/account/profile', ownedByClient: false, ownerStatus: [303] },
  { method: 'GET', path: '/account/password', url: () => '/account/password', ownedByClient: false, ownerStatus: [303] },
  {
    method: 'POST',
    path: '/account/preferences',
    url: () => '/account/preferences',
    form: { locale: '', timeZone: '' },
    ownedByClient: false,
    ownerStatus: [303],
  },
  { method: 'GET', path: '/account/preferences', url: () => '/account/preferences', ownedByClient: false, ownerStatus: [303] },
  {
    method: 'POST',
    path: '/account/password',
    url: () => '/account/password',
    form: { currentPassword: 'wrong-password', newPassword: 'a-new-long-password-1', confirmPassword: 'a-new-long-password-1' },
    ownedByClient: false,
    ownerStatus: [400, 401, 422],
  },
  {
    method: 'POST',
    path: '/account/sessions/:sessionId/revoke',
    // A second session of the owner, signed in elsewhere: the one the owner may sign out.
    url: async ({ h, owner }) => {
      const elsewhere = await signedInAgent(h.agent(), 'demo', owner);
      const cookie = (await elsewhere.get('/portal/demo/account')).request.cookies ?? '';
      const signed = decodeURIComponent(/portal\.sid=([^;]+)/.exec(cookie)?.[1] ?? '');
      const sid = signed.slice(2, signed.lastIndexOf('.'));
      return `/account/sessions/${hashSessionId(sid)}/revoke`;
    },
    ownedByClient: true,
    ownerStatus: [303],
  },
  { method: 'GET', path: '/account/sessions/revoke-others', url: () => '/account/sessions/revoke-others', ownedByClient: false },
  // Each person reads their own log (nobody's id is in the address); the company's is for client admins.
  { method: 'GET', path: '/account/security-log', url: () => '/account/security-log', ownedByClient: false },
  {
    method: 'GET',
    path: '/account/security-log/company',
    url: () => '/account/security-log/company',
    ownedByClient: false,
    clientAdmin: true,
  },
  {
    method: 'POST',
    path: '/account/sessions/revoke-others',
    url: () => '/account/sessions/revoke-others',
    ownedByClient: false,
    ownerStatus: [303],
  },
];
