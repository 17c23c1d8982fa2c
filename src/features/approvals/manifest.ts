// The files of approvals beside its code: work the agency shares for a client's approval.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as approvals from './migrations/20270504000001_approvals.ts';
import * as keptApprovals from './migrations/20270601000001_kept_approvals.ts';

export const approvalsManifest: FeatureManifest = {
  name: 'approvals',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270504000001_approvals': approvals,
    '20270601000001_kept_approvals': keptApprovals,
  },
  // Approvals the portal keeps put each version's file among the client's documents in the host.
  hostPorts: [{ member: 'approvalFiles', port: 'HostApprovalFilesPort', claim: { concept: 'document', keeps: 'the files' } }],
  // The portal keeps the approvals where the adapter has both (withPortalKeptApprovals puts them in
  // place for a host that keeps only their files); a host with approvals of its own has its own page.
  staffPages: [{ path: '/approvals', label: 'approvals:staffNav', order: 100, withPorts: ['approvals', 'approvalFiles'] }],
};
