// Approvals of work: the agency shares a file for the client's approval, version by version; the
// client approves it or asks for changes, and each decision is kept as evidence.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createApprovalsHandlers } from './handlers.ts';
import { approvalsManifest } from './manifest.ts';
import { approvalsPersonalData } from './personal-data.ts';
import { approvalsRoutes } from './routes.ts';

export function approvalsFeature(core: CoreServices): Feature {
  const { db, adapter } = core;
  const { approvals } = adapter;
  return {
    name: approvalsManifest.name,
    needs: { ports: ['approvals'] },
    personalData: approvalsPersonalData({ db }),
    clientRoutes: approvals ? [approvalsRoutes(createApprovalsHandlers({ db, approvals, now: core.now }))] : [],
  };
}
