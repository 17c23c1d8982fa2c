// The news of allowances for a binding that can tell which contracts' use moved (Dolibarr's
// interventions validated since its cursor): each allowance line of those contracts, while the
// contract runs, whose use in the period under way reached 80 % or all of what it allows, as the
// contract `reached` its highest threshold, once per line, period and threshold (the portal tells
// each occurrence once). Read through the binding's own ContractsPort, so the figures are the
// contracts page's.
import type { ContractsPort, HostNewsItem } from '../../src/index.ts';

/** The shares of an allowance the client is told of, highest first: all used, nearly used. */
const THRESHOLDS = [100, 80] as const;

/** The highest threshold the use reached, in hundredths as the page shows them (8 of 10 is 80 % exactly); null below them. */
function thresholdOf(used: number, total: number): number | null {
  if (total <= 0) return null;
  return THRESHOLDS.find((percent) => Math.round(used * 100) * 100 >= Math.round(total * 100) * percent) ?? null;
}

export async function allowancesReached(
  contracts: Pick<ContractsPort, 'find'>,
  workspaceId: string,
  moved: ReadonlyArray<{ clientId: string; contractId: string }>,
  today: string,
): Promise<HostNewsItem[]> {
  const unique = [...new Map(moved.map((m) => [`${m.clientId}:${m.contractId}`, m])).values()];
  const items: HostNewsItem[] = [];
  for (const { clientId, contractId } of unique) {
    const contract = await contracts.find(workspaceId, clientId, contractId, today);
    if (contract?.state !== 'active') continue;
    for (const line of contract.lines) {
      const allowance = line.allowance;
      if (!allowance) continue;
      const threshold = thresholdOf(allowance.used, allowance.total);
      if (threshold === null) continue;
      items.push({
        kind: 'contract',
        happened: 'reached',
        id: contract.id,
        clientId,
        number: String(threshold),
        title: line.name,
        occurrence: `line:${line.id}:${allowance.periodStart ?? ''}:${threshold}`,
      });
    }
  }
  return items;
}
