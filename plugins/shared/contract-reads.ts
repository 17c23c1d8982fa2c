// ContractsPort's list and find for a binding that reads a client's contracts in one go (all of
// them, or the one asked for) with their descriptions: the list leaves the description out, as
// only a contract's own page shows it.
import type { ContractsPort, ContractSummary } from '../../src/index.ts';

type ContractRead = ContractSummary & { description: string | null };

export function contractListAndFind<Ids extends object>(
  scope: (workspaceId: string, clientId: string) => Ids | null,
  parseId: (value: unknown) => number | null,
  read: (ids: Ids & { contractId?: number }, today: string) => Promise<ContractRead[]>,
): Pick<ContractsPort, 'list' | 'find'> {
  return {
    async list(workspaceId, clientId, today) {
      const ids = scope(workspaceId, clientId);
      return ids ? (await read(ids, today)).map(({ description: _description, ...summary }) => summary) : [];
    },
    async find(workspaceId, clientId, contractId, today) {
      const ids = scope(workspaceId, clientId);
      const id = parseId(contractId);
      if (!ids || id === null) return null;
      return (await read({ ...ids, contractId: id }, today))[0] ?? null;
    },
  };
}
