// Approvals of work. The work asked for is Maria's company's (Northwind): another client of the
// workspace, and a client of another workspace, get 404 for it, its file and its decision. Each
// decision is made on a piece of work shared for the matrix on its own (a version is decided once,
// and a second decision is a 409), so every request finds one to decide.
import { createHash } from 'node:crypto';
import { demoWorkspaceId } from '../support/demo-records.ts';
import { insertApproval } from '../../plugins/reference-crm/queries/approvals.ts';
import { homepageDesign } from '../../plugins/reference-crm/seed-approvals.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** A piece of work of the owner's company at version 1, shared for this request. */
async function ownApproval(world: MatrixWorld, tail = ''): Promise<string> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  const contact = await db('contacts').where({ workspace_id: workspaceId, email: world.owner.email }).first('client_id');
  const staff = await db('staff_users').where({ workspace_id: workspaceId }).orderBy('id').first('id');
  const content = homepageDesign();
  const id = await db.transaction((trx) =>
    insertApproval(trx, {
      workspaceId,
      clientId: contact.client_id,
      title: 'Matrix design',
      file: {
        filename: 'matrix.png',
        contentType: 'image/png',
        content,
        sha256: createHash('sha256').update(content).digest('hex'),
        message: '',
        staffId: staff.id,
      },
    }),
  );
  return `/approvals/${id}${tail}`;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/approvals', url: () => '/approvals?q=design', ownedByClient: false, switches: ['showApprovals'] },
  { method: 'GET', path: '/approvals/:approvalId', url: (world) => ownApproval(world), ownedByClient: true, switches: ['showApprovals'] },
  {
    method: 'GET',
    path: '/approvals/:approvalId/versions/:version/file',
    url: (world) => ownApproval(world, '/versions/1/file'),
    ownedByClient: true,
    switches: ['showApprovals'],
  },
  {
    method: 'POST',
    path: '/approvals/:approvalId/decision',
    url: (world) => ownApproval(world, '/decision'),
    ownedByClient: true,
    switches: ['showApprovals'],
    form: { version: '1', outcome: 'approved' },
    ownerStatus: [303],
  },
];
