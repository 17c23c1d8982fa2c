// Approvals of work: the agency shares a file for the client's approval, version by version; the
// client approves it or asks for changes, and each decision is kept as evidence. The work is the
// host's (ApprovalsPort), or, beside a host that keeps only its files and events
// (HostApprovalFilesPort), the portal's own, shared from the staff pages here.
import type { HostAdapter } from '../../core/index.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import { createApprovalsHandlers } from './handlers.ts';
import { type ApprovalShared, keptApprovalShares } from './kept-shares.ts';
import { approvalsManifest } from './manifest.ts';
import { approvalsPersonalData } from './personal-data.ts';
import { portalKeptApprovals } from './portal-kept.ts';
import { approvalsRoutes } from './routes.ts';
import { createStaffApprovalsHandlers } from './staff-handlers.ts';
import { staffApprovalsRoutes } from './staff-routes.ts';

export type { ApprovalShared } from './kept-shares.ts';

/**
 * The adapter the portal runs on, with the approvals the portal keeps in place of the host's where
 * the host keeps only their files and events: composed once, here at the root, so everything that
 * asks whether the host has approvals (the section's existence, the features mounted, the
 * notifications, the start-up checks) sees one answer. A host with approvals of its own and
 * approvalFiles too is refused: which one would clients see?
 */
export function withPortalKeptApprovals<D extends { adapter: HostAdapter; db: CoreServices['db'] }>(deps: D): D {
  const { adapter, db } = deps;
  if (!adapter.approvalFiles) return deps;
  if (adapter.approvals)
    throw new Error(
      `The ${adapter.name} adapter has both approvals and approvalFiles: approvalFiles is for a host without approvals of its own. Remove one.`,
    );
  return { ...deps, adapter: { ...adapter, approvals: portalKeptApprovals(db, adapter.approvalFiles) } };
}

/** `approvalShared`: tells the client's people of a version the staff shared here (the client notifications feature). */
export function approvalsFeature(
  core: CoreServices,
  shared: { approvalShared?: (version: ApprovalShared) => Promise<unknown> } = {},
): Feature {
  const { db, adapter, now, logger, workspaces } = core;
  const { approvals, approvalFiles } = adapter;
  // After withPortalKeptApprovals, a host with approvalFiles is one whose approvals the portal keeps.
  const staffRoutes =
    approvals && approvalFiles
      ? [
          staffApprovalsRoutes(
            createStaffApprovalsHandlers({
              db,
              adapter,
              approvals,
              workspaces,
              shares: keptApprovalShares({
                db,
                files: approvalFiles,
                now,
                logger,
                ...(shared.approvalShared ? { shared: shared.approvalShared } : {}),
              }),
            }),
          ),
        ]
      : [];
  return {
    name: approvalsManifest.name,
    needs: { ports: ['approvals'] },
    personalData: approvalsPersonalData({ db }),
    clientRoutes: approvals ? [approvalsRoutes(createApprovalsHandlers({ db, approvals, now: core.now }))] : [],
    staffRoutes,
  };
}
