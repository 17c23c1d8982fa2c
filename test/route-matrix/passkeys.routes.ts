// Passkeys: each client's own list, and a passkey of Maria's to remove. Another client, of this
// workspace or another, is not asked about her passkey (404); removing one not theirs removes
// nothing and goes back to their own list. The owner's add and its options are sent without the
// current password that confirms it is her, so they are refused with a message (400).
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** A passkey of the owner's, made afresh (the removal route takes it away). */
async function ownPasskey(world: MatrixWorld): Promise<string> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  const owner = await db('client_users').where({ workspace_id: workspaceId, email: world.owner.email }).first('id');
  const [row] = await db('client_passkeys')
    .insert({
      workspace_id: workspaceId,
      client_user_id: owner.id,
      credential_id: `matrix-${Math.random().toString(36).slice(2)}`,
      public_key: 'pQECAyYgASFYIA',
      device_type: 'singleDevice',
      name: 'Matrix laptop',
    })
    .returning('id');
  return String(row.id);
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/account/passkeys', url: () => '/account/passkeys', ownedByClient: false },
  {
    method: 'POST',
    path: '/account/passkeys',
    url: () => '/account/passkeys',
    form: { name: 'Laptop', response: '{}' },
    ownedByClient: false,
    ownerStatus: [400],
  },
  // Without the current password no ceremony starts.
  {
    method: 'POST',
    path: '/account/passkeys/options',
    url: () => '/account/passkeys/options',
    form: {},
    ownedByClient: false,
    ownerStatus: [400],
  },
  { method: 'GET', path: '/account/passkeys/options', url: () => '/account/passkeys/options', ownedByClient: false, ownerStatus: [303] },
  {
    method: 'GET',
    path: '/account/passkeys/:passkeyId/remove',
    url: async (world) => `/account/passkeys/${await ownPasskey(world)}/remove`,
    ownedByClient: true,
  },
  {
    method: 'POST',
    path: '/account/passkeys/:passkeyId/remove',
    url: async (world) => `/account/passkeys/${await ownPasskey(world)}/remove`,
    form: {},
    ownedByClient: false,
    ownerStatus: [303],
  },
];
