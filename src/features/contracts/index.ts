// Contracts: what the client's agreements with the agency include and how much of each allowance
// is used, read from the host.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createContractsHandlers } from './handlers.ts';
import { contractsManifest } from './manifest.ts';
import { contractsRoutes } from './routes.ts';

// The dashboard shows what is left of each allowance as the contracts pages show it.
export { presentAllowances } from './presenters.ts';

export function contractsFeature(core: CoreServices): Feature {
  const { contracts } = core.adapter;
  return {
    name: contractsManifest.name,
    needs: { ports: ['contracts'] },
    clientRoutes: contracts ? [contractsRoutes(createContractsHandlers({ contracts, now: core.now }))] : [],
  };
}
