// "Your data": every signed-in person's own, whatever their role; only the owner reaches her copy.
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** A ready copy of the owner's data (made once, kept ready): its download URL. */
async function ownExport({ h, owner }: MatrixWorld): Promise<string> {
  const db = h.crm.db;
  const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
  const user = await db('client_users').where({ workspace_id: demo.id, email: owner.email }).first('id');
  const expires_at = new Date(Date.now() + 24 * 3600_000);
  const existing = await db('portal_data_exports').where({ workspace_id: demo.id, client_user_id: user.id, status: 'ready' }).first('id');
  if (existing) {
    await db('portal_data_exports').where({ workspace_id: demo.id, id: existing.id }).update({ expires_at });
    return `/account/data/exports/${existing.id}/download`;
  }
  const content = Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'latin1');
  const fileId = await h.crm.portal.files.put(demo.id, 'data-export', {
    filename: 'personal-data.zip',
    contentType: 'application/zip',
    sizeBytes: content.length,
    content,
  });
  const [row] = await db('portal_data_exports')
    .insert({ workspace_id: demo.id, client_user_id: user.id, status: 'ready', file_id: fileId, size_bytes: content.length, expires_at })
    .returning('id');
  return `/account/data/exports/${(row as { id: string }).id}/download`;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/account/data', url: () => '/account/data', ownedByClient: false },
  { method: 'POST', path: '/account/data/export', url: () => '/account/data/export', form: {}, ownedByClient: false },
  { method: 'GET', path: '/account/data/exports/:exportId/download', url: ownExport, ownedByClient: true },
  // Once she has asked, the confirmation sends her back to the page that says so.
  { method: 'GET', path: '/account/data/erasure', url: () => '/account/data/erasure', ownedByClient: false, ownerStatus: [200, 303] },
  { method: 'POST', path: '/account/data/erasure', url: () => '/account/data/erasure', form: {}, ownedByClient: false },
  { method: 'POST', path: '/account/data/erasure/withdraw', url: () => '/account/data/erasure/withdraw', form: {}, ownedByClient: false },
];
