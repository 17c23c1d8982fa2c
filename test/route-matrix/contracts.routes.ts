// Contracts. The contract asked for is Maria's company's (Northwind's seeded support contract) and
// its allowance line: another client of the workspace, and a client of another workspace, get 404
// for both, as does anyone while the section is off or without the contracts permission.
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

async function supportContract(world: MatrixWorld): Promise<{ contractId: number; lineId: number }> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  const contract = await db('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id');
  const line = await db('contract_lines').where({ workspace_id: workspaceId, contract_id: contract.id, name: 'Support hours' }).first('id');
  return { contractId: contract.id, lineId: line.id };
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/contracts', url: () => '/contracts', ownedByClient: false, switches: ['showContracts'] },
  {
    method: 'GET',
    path: '/contracts/:contractId',
    url: async (world) => `/contracts/${(await supportContract(world)).contractId}`,
    ownedByClient: true,
    switches: ['showContracts'],
  },
  {
    method: 'GET',
    path: '/contracts/:contractId/lines/:lineId',
    url: async (world) => {
      const { contractId, lineId } = await supportContract(world);
      return `/contracts/${contractId}/lines/${lineId}`;
    },
    ownedByClient: true,
    switches: ['showContracts'],
  },
  {
    method: 'GET',
    path: '/contracts/:contractId/lines/:lineId/entries.csv',
    url: async (world) => {
      const { contractId, lineId } = await supportContract(world);
      return `/contracts/${contractId}/lines/${lineId}/entries.csv`;
    },
    ownedByClient: true,
    switches: ['showContracts', 'showTimeEntriesToClients'],
  },
];
