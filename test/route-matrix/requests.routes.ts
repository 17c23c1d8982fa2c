// Service and quote requests. The catalogue and "My requests" are the company's; a request of
// Maria's company (Northwind) is sent through the CRM's own insert for the owned routes, with a
// file the portal keeps beside it. The form posts the website-change definition, which has no file
// field, as a plain form; a message in a request's thread stands on the requests switch alone.
import { insertServiceRequest } from '../../plugins/reference-crm/queries/service-requests.ts';
import { demoNorthwind, demoWorkspaceId } from '../support/demo-records.ts';
import { smallPdf } from '../support/upload-fixtures.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

const WEBSITE = 'Request a website change';

async function definitionId(world: MatrixWorld, name = WEBSITE): Promise<number> {
  const db = world.h.crm.db;
  return (
    await db('request_definitions')
      .where({ workspace_id: await demoWorkspaceId(db), name })
      .first('id')
  ).id as number;
}

/** A request of Northwind's, sent by Maria through the CRM's insert. */
async function ownRequest(world: MatrixWorld): Promise<number> {
  const db = world.h.crm.db;
  const client = await demoNorthwind(db);
  const contact = await db('contacts').where({ workspace_id: client.workspace_id, email: world.owner.email }).first('id');
  const { id } = await insertServiceRequest(db, {
    workspaceId: client.workspace_id,
    definitionId: await definitionId(world),
    clientId: client.id,
    contactId: contact.id,
    title: WEBSITE,
    kind: 'general',
    fields: [{ key: 'page', type: 'text', label: 'Which page', required: true }],
    payload: { page: 'Home' },
  });
  return id;
}

async function attachment(world: MatrixWorld): Promise<string> {
  const db = world.h.crm.db;
  const workspaceId = String(await demoWorkspaceId(db));
  const user = await db('client_users').where({ workspace_id: workspaceId, email: world.owner.email }).first('id', 'client_id');
  const requestId = String(await ownRequest(world));
  const content = smallPdf('matrix');
  const fileId = await world.h.crm.portal.files.put(workspaceId, 'message-attachment', {
    filename: 'matrix.pdf',
    contentType: 'application/pdf',
    sizeBytes: content.length,
    content,
  });
  const [row] = await db('portal_request_attachments')
    .insert({
      workspace_id: workspaceId,
      client_id: user.client_id,
      request_id: requestId,
      field_key: 'page',
      client_user_id: user.id,
      file_id: fileId,
      filename: 'matrix.pdf',
      content_type: 'application/pdf',
      size_bytes: content.length,
    })
    .returning('id');
  return `/requests/mine/${requestId}/files/${row.id}`;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/requests', url: () => '/requests', ownedByClient: false, switches: ['showRequests'] },
  {
    method: 'GET',
    path: '/requests/new/:definitionId',
    url: async (world) => `/requests/new/${await definitionId(world)}`,
    ownedByClient: false,
    switches: ['showRequests'],
  },
  {
    method: 'POST',
    path: '/requests/new/:definitionId',
    url: async (world) => `/requests/new/${await definitionId(world)}`,
    ownedByClient: false,
    switches: ['showRequests'],
    form: { f_page: 'Home', f_change: 'Sent by the matrix.' },
    ownerStatus: [303],
  },
  { method: 'GET', path: '/requests/mine', url: () => '/requests/mine', ownedByClient: false, switches: ['showRequests'] },
  {
    method: 'GET',
    path: '/requests/mine/:requestId',
    url: async (world) => `/requests/mine/${await ownRequest(world)}`,
    ownedByClient: true,
    switches: ['showRequests'],
  },
  {
    method: 'POST',
    path: '/requests/mine/:requestId/comments',
    url: async (world) => `/requests/mine/${await ownRequest(world)}/comments`,
    form: { body: 'A question from the isolation matrix' },
    ownedByClient: true,
    switches: ['showRequests'],
    ownerStatus: [303],
  },
  {
    method: 'GET',
    path: '/requests/mine/:requestId/files/:attachmentId',
    url: attachment,
    ownedByClient: true,
    switches: ['showRequests'],
  },
];
