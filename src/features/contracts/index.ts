// Contracts: what the client's agreements with the agency include and how much of each allowance
// is used, read from the host; and the client's asks for more hours on a line, which the portal
// keeps and the agency answers from its own contract page (hourRequests, for the host's page).
import type { CoreServices, Feature } from '../../core/index.ts';
import type { ClientEvent } from '../client-notifications/index.ts';
import { createContractsHandlers } from './handlers.ts';
import { createHourRequests, type HourRequests } from './hour-requests.ts';
import { contractsManifest } from './manifest.ts';
import { contractsPersonalData } from './personal-data.ts';
import { contractsRoutes } from './routes.ts';

// This feature's host port, for the features that build on it.
export type { ContractSummary } from './port.ts';

// The dashboard shows what is left of each allowance as the contracts pages show it.
export { presentAllowances } from './presenters.ts';
export type { HourRequests, StaffHourRequest } from './hour-requests.ts';

export function contractsFeature(
  core: CoreServices,
  shared: { notify(event: ClientEvent): Promise<number> },
): Feature & { hourRequests: HourRequests | null } {
  const { contracts } = core.adapter;
  const { db, mailer, links, now, logger } = core;
  const hourRequests = contracts ? createHourRequests({ db, contracts, mailer, links, now, logger, notify: shared.notify }) : null;
  return {
    name: contractsManifest.name,
    needs: { ports: ['contracts'] },
    personalData: contractsPersonalData({ db }),
    clientRoutes: contracts && hourRequests ? [contractsRoutes(createContractsHandlers({ contracts, requests: hourRequests, now }))] : [],
    hourRequests,
  };
}
