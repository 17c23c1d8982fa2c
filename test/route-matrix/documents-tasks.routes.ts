// Documents and tasks. The records asked for are Maria's (Northwind): a shared document, an
// upload of hers (made fresh where the owner's request deletes it) and a task assigned to her.
// The matrix sends url-encoded forms, so the upload route's owner gets the 400 that asks for a
// file; real uploads are covered in src/features/documents/test/documents.test.ts.
import { smallPdf } from '../support/upload-fixtures.ts';
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

async function demo(world: MatrixWorld) {
  const db = world.h.crm.db;
  const workspaceId = String(await demoWorkspaceId(db));
  const user = await db('client_users').where({ workspace_id: workspaceId, email: world.owner.email }).first('id', 'client_id');
  return { db, workspaceId, user };
}

/** A document of no record: one attached to a proposal is the proposal's (the role crawl, test/security-core/role-crawl.test.ts). */
async function sharedDocument(world: MatrixWorld): Promise<string> {
  const { db, workspaceId } = await demo(world);
  const doc = await db('documents').where({ workspace_id: workspaceId, filename: 'sitemap-draft.pdf' }).first('id');
  return `/documents/shared/${doc.id}/download`;
}

async function ownUpload(world: MatrixWorld, action: 'download' | 'delete'): Promise<string> {
  const { db, workspaceId, user } = await demo(world);
  const content = smallPdf('matrix');
  const fileId = await world.h.crm.portal.files.put(workspaceId, 'client_upload', {
    filename: 'matrix.pdf',
    contentType: 'application/pdf',
    sizeBytes: content.length,
    content,
  });
  const [row] = await db('client_uploads')
    .insert({
      workspace_id: workspaceId,
      client_id: user.client_id,
      client_user_id: user.id,
      uploader_name: 'Maria García',
      file_id: fileId,
      filename: 'matrix.pdf',
      content_type: 'application/pdf',
      size_bytes: content.length,
    })
    .returning('id');
  return `/documents/uploads/${row.id}/${action}`;
}

async function ownTask(world: MatrixWorld, action: 'done' | 'reopen'): Promise<string> {
  const { db, workspaceId } = await demo(world);
  const task = await db('tasks').where({ workspace_id: workspaceId, title: 'Send brand assets (logo files and fonts)' }).first('id');
  return `/tasks/${task.id}/${action}`;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/documents', url: () => '/documents', ownedByClient: false, permissions: ['documents'] },
  { method: 'GET', path: '/documents/shared/:documentId/download', url: sharedDocument, ownedByClient: true, permissions: ['documents'] },
  {
    method: 'GET',
    path: '/documents/uploads/:uploadId/download',
    url: (world) => ownUpload(world, 'download'),
    ownedByClient: true,
    permissions: ['documents'],
  },
  // Where a browser without JavaScript stays after a refused upload: back to the Documents page.
  {
    method: 'GET',
    path: '/documents/uploads',
    url: () => '/documents/uploads',
    ownedByClient: false,
    ownerStatus: [303],
    permissions: ['documents'],
  },
  {
    method: 'POST',
    path: '/documents/uploads',
    url: () => '/documents/uploads',
    ownedByClient: false,
    switches: ['allowFileUploads'],
    permissions: ['documents'],
    ownerStatus: [400],
  },
  {
    method: 'GET',
    path: '/documents/uploads/:uploadId/delete',
    url: (world) => ownUpload(world, 'delete'),
    ownedByClient: true,
    permissions: ['documents', 'uploads'],
  },
  {
    method: 'POST',
    path: '/documents/uploads/:uploadId/delete',
    url: (world) => ownUpload(world, 'delete'),
    ownedByClient: true,
    // Deleting is the uploader's (or a client admin's), with the upload right.
    permissions: ['documents', 'uploads'],
    ownerStatus: [303],
  },
  { method: 'GET', path: '/tasks', url: () => '/tasks', ownedByClient: false, switches: ['showTasks'] },
  // The live stream the documents and tasks pages follow; a plain GET (no text/event-stream) ends at once.
  { method: 'GET', path: '/live', url: () => '/live', ownedByClient: false },
  {
    method: 'POST',
    path: '/tasks/:taskId/done',
    url: (world) => ownTask(world, 'done'),
    ownedByClient: true,
    switches: ['showTasks'],
    form: { tab: 'open' },
  },
  {
    method: 'POST',
    path: '/tasks/:taskId/reopen',
    url: (world) => ownTask(world, 'reopen'),
    ownedByClient: true,
    switches: ['showTasks'],
    form: { tab: 'done' },
  },
];
