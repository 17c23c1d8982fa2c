// Approvals of work beside a host that keeps only their files (HostApprovalFilesPort): the same
// routes as approvals.routes.ts, each asked for a piece of work the portal keeps for Maria's company
// (its file kept by the host's stand-in store), so another client, another workspace, the switch,
// the roles and the hidden permissions meet the portal's own approvals too. Not a `.routes.ts`
// file: the matrix of the reference host lists those; test/portal/route-matrix.test.ts runs these
// beside the stand-in host.
import { demoWorkspaceId } from '../support/demo-records.ts';
import { homepageDesign } from '../../plugins/reference-crm/seed-approvals.ts';
import { insertKeptApproval } from '../../src/features/approvals/kept-queries.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** A piece of work of the owner's company at version 1, kept by the portal, shared for this request. */
async function ownKeptApproval(world: MatrixWorld, tail = ''): Promise<string> {
  const files = world.approvalFiles;
  if (!files) throw new Error('this variant runs beside a host with approvalFiles');
  const db = world.h.crm.db;
  const workspaceId = String(await demoWorkspaceId(db));
  const contact = await db('contacts').where({ workspace_id: workspaceId, email: world.owner.email }).first('client_id');
  const clientId = String(contact.client_id);
  const content = homepageDesign();
  const upload = { title: 'Matrix design', version: 1, fileName: 'matrix.png', contentType: 'image/png', content, sharedBy: '1' };
  const id = await db.transaction(async (trx) => {
    const fileRef = await files.keep(workspaceId, clientId, upload, { trx });
    return insertKeptApproval(trx, {
      workspaceId,
      clientId,
      title: upload.title,
      createdBy: '1',
      version: {
        fileRef: fileRef!,
        fileName: upload.fileName,
        contentType: upload.contentType,
        sizeBytes: content.length,
        message: '',
        sharedBy: '1',
        sharedAt: new Date(),
      },
    });
  });
  return `/approvals/${id}${tail}`;
}

export const keptApprovalRoutes: MatrixRoute[] = [
  { method: 'GET', path: '/approvals', url: () => '/approvals?q=design', ownedByClient: false, switches: ['showApprovals'] },
  {
    method: 'GET',
    path: '/approvals/:approvalId',
    url: (world) => ownKeptApproval(world),
    ownedByClient: true,
    switches: ['showApprovals'],
  },
  {
    method: 'GET',
    path: '/approvals/:approvalId/versions/:version/file',
    url: (world) => ownKeptApproval(world, '/versions/1/file'),
    ownedByClient: true,
    switches: ['showApprovals'],
  },
  {
    method: 'POST',
    path: '/approvals/:approvalId/decision',
    url: (world) => ownKeptApproval(world, '/decision'),
    ownedByClient: true,
    switches: ['showApprovals'],
    form: { version: '1', outcome: 'approved' },
    ownerStatus: [303],
  },
];
