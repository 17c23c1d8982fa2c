// The files of contracts beside its code: the client's contracts and how much of each allowance is
// used, and the asks for more hours the portal keeps.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as showContracts from './migrations/20270502000001_show_contracts.ts';
import * as hourRequests from './migrations/20270701000001_contract_hour_requests.ts';

export const contractsManifest: FeatureManifest = {
  name: 'contracts',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270502000001_show_contracts': showContracts,
    '20270701000001_contract_hour_requests': hourRequests,
  },
  hostPorts: [{ member: 'contracts', port: 'ContractsPort', claim: { concept: 'contract' } }],
};
