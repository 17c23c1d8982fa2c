// Contracts. The contract asked for is Maria's company's (Northwind's seeded support contract) and
// its allowance line: another client of the workspace, and a client of another workspace, get 404
// for both, as does anyone while the section is off or without the contracts permission. Asking
// for more hours posts on that line (no ask waits on it first, so the owner's ask is taken), and
// withdrawing posts on an ask Maria made ready on it.
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

async function supportContract(world: MatrixWorld): Promise<{ contractId: number; lineId: number }> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  const contract = await db('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id');
  const line = await db('contract_lines').where({ workspace_id: workspaceId, contract_id: contract.id, name: 'Support hours' }).first('id');
  return { contractId: contract.id, lineId: line.id };
}

/** No ask waits on the line: the next one is taken. */
async function noAskWaiting(world: MatrixWorld): Promise<void> {
  const workspaceId = await demoWorkspaceId(world.h.crm.db);
  await world.h.crm
    .db('portal_contract_hour_requests')
    .where({ workspace_id: String(workspaceId), state: 'pending' })
    .delete();
}

/** An ask waiting on the support line, as Maria's company made it. */
async function waitingAsk(world: MatrixWorld): Promise<{ contractId: number; id: string }> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  const { contractId, lineId } = await supportContract(world);
  const contract = await db('contracts').where({ workspace_id: workspaceId, id: contractId }).first('client_id');
  const maria = await db('client_users')
    .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
    .first('id');
  await noAskWaiting(world);
  const [row] = await db('portal_contract_hour_requests')
    .insert({
      workspace_id: String(workspaceId),
      client_id: String(contract.client_id),
      contract_id: String(contractId),
      line_id: String(lineId),
      hours: 2,
      scope: 'from_now_on',
      asked_by: maria.id,
    })
    .returning('id');
  return { contractId, id: row.id };
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
    method: 'POST',
    path: '/contracts/:contractId/lines/:lineId/hours',
    url: async (world) => {
      const { contractId, lineId } = await supportContract(world);
      return `/contracts/${contractId}/lines/${lineId}/hours`;
    },
    form: {},
    formFor: async (world) => {
      await noAskWaiting(world);
      return { hours: '1,5', scope: 'this_period', note: '' };
    },
    ownedByClient: true,
    switches: ['showContracts'],
  },
  {
    method: 'POST',
    path: '/contracts/:contractId/hours/:requestId/withdraw',
    url: async (world) => {
      const { contractId, id } = await waitingAsk(world);
      return `/contracts/${contractId}/hours/${id}/withdraw`;
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
