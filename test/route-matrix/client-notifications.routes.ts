// The client's notifications: every signed-in person has the list and the choice of channels; one
// notification is its owner's alone, and only while its kind is one they may see (a shared
// document: every built-in role sees documents).
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** A notification of the owner about a shared document (made once): its URL. */
async function ownNotification({ h, owner }: MatrixWorld): Promise<string> {
  const db = h.crm.db;
  const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
  const user = await db('client_users').where({ workspace_id: demo.id, email: owner.email }).first('id', 'client_id');
  const key = { workspace_id: demo.id, client_user_id: user.id, kind: 'document_shared', subject_id: 'matrix-document' };
  const existing = await db('portal_client_notifications').where(key).first('id');
  if (existing) return `/notifications/${existing.id}`;
  const [row] = await db('portal_client_notifications')
    .insert({ ...key, client_id: user.client_id, subject_type: 'document', title: 'matrix.pdf', channel: 'portal' })
    .returning('id');
  return `/notifications/${(row as { id: string }).id}`;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/notifications', url: () => '/notifications', ownedByClient: false },
  { method: 'POST', path: '/notifications/read-all', url: () => '/notifications/read-all', form: {}, ownedByClient: false },
  {
    method: 'GET',
    path: '/notifications/:notificationId',
    url: ownNotification,
    ownedByClient: true,
    permissions: ['documents'],
    ownerStatus: [303],
  },
  { method: 'GET', path: '/account/notifications', url: () => '/account/notifications', ownedByClient: false },
  { method: 'POST', path: '/account/notifications', url: () => '/account/notifications', form: {}, ownedByClient: false },
];
