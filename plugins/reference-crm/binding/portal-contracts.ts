// The reference CRM's contracts as the portal's ContractsPort: the client's active and ended
// contracts with their lines; a line with an allowance renews by the calendar (month, quarter or
// year) and a period's usage is the sum of its time entries. The line's own dates, else its
// contract's, bound the periods listed.
import type { ContractLineSummary, ContractsPort, ContractSummary } from '../../../src/index.ts';
import { byState, contractState, decimal, periodOf, periodsBetween } from '../../shared/contract-periods.ts';
import { contractListAndFind } from '../../shared/contract-reads.ts';
import { parseId, toHostId } from '../ids.ts';
import type { Db } from '../queries/db.ts';
import {
  type ContractLineRow,
  type ContractRow,
  findClientLine,
  listClientContracts,
  listContractLines,
  listTimeEntries,
  usedByPeriod,
  usedThisPeriod,
} from '../queries/contracts.ts';

function presentLine(row: ContractLineRow, today: string, used: Map<number, number>): ContractLineSummary {
  const period = periodOf(today, row.period);
  return {
    id: toHostId(row.id),
    name: row.name,
    description: row.description || null,
    quantity: row.quantity === null ? null : decimal(row.quantity),
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    allowance:
      row.allowance === null
        ? null
        : {
            measure: row.measure,
            unitName: row.measure === 'units' ? row.unit_name : null,
            periodStart: period.start,
            periodEnd: period.end,
            total: decimal(row.allowance),
            used: used.get(row.id) ?? 0,
          },
  };
}

export function referenceContracts(db: Db): ContractsPort {
  const scope = (workspaceId: string, clientId: string) => {
    const ws = parseId(workspaceId);
    const client = parseId(clientId);
    return ws !== null && client !== null ? { workspaceId: ws, clientId: client } : null;
  };

  async function read(ids: { workspaceId: number; clientId: number; contractId?: number }, today: string) {
    const contracts = await listClientContracts(db, ids);
    const lines = await listContractLines(db, { workspaceId: ids.workspaceId, contractIds: contracts.map((c) => c.id) });
    const usage = await usedThisPeriod(db, {
      workspaceId: ids.workspaceId,
      lineIds: lines.filter((line) => line.allowance !== null).map((line) => line.id),
      today,
    });
    const used = new Map(usage.map((row) => [row.line_id, decimal(row.used)]));
    const present = (row: ContractRow): ContractSummary & { description: string | null } => ({
      id: toHostId(row.id),
      reference: row.number,
      name: row.name,
      description: row.description || null,
      state: contractState(today, row.starts_on, row.ends_on, row.status === 'ended'),
      startsOn: row.starts_on,
      endsOn: row.ends_on,
      lines: lines.filter((line) => line.contract_id === row.id).map((line) => presentLine(line, today, used)),
    });
    return byState(contracts.map(present));
  }

  return {
    // The CRM's own page of it, where staff answer asks for more hours and change the allowance.
    staffPageOf(id) {
      const rowid = parseId(id);
      return rowid === null ? null : `/contracts/${rowid}`;
    },

    ...contractListAndFind(scope, parseId, read),
    async history(workspaceId, clientId, contractId, lineId, today, limit) {
      const ids = scope(workspaceId, clientId);
      const contract = parseId(contractId);
      const line = parseId(lineId);
      if (!ids || contract === null || line === null) return null;
      const row = await findClientLine(db, { ...ids, contractId: contract, lineId: line });
      if (!row || row.allowance === null) return null;
      // From the line's start to today's period, or to its end where it ended before.
      const from = row.starts_on ?? row.contract_starts_on;
      const endsOn = row.ends_on ?? row.contract_ends_on;
      const to = endsOn !== null && endsOn < today ? endsOn : today;
      const periods = from <= to ? periodsBetween(from, to, row.period, Math.max(1, Math.min(limit, 120))) : [];
      const oldest = periods[periods.length - 1];
      const sums = oldest
        ? await usedByPeriod(db, {
            workspaceId: ids.workspaceId,
            lineId: line,
            period: row.period,
            from: oldest.start,
            until: periods[0]!.end,
          })
        : [];
      const used = new Map(sums.map((sum) => [sum.period_start, decimal(sum.used)]));
      const current = used.get(periodOf(today, row.period).start) ?? 0;
      const total = decimal(row.allowance);
      return {
        line: presentLine(row, today, new Map([[row.id, current]])),
        periods: periods.map((period) => ({ ...period, total, used: used.get(period.start) ?? 0 })),
      };
    },
    async entries(workspaceId, clientId, contractId, lineId, period) {
      const ids = scope(workspaceId, clientId);
      const contract = parseId(contractId);
      const line = parseId(lineId);
      if (!ids || contract === null || line === null) return null;
      const row = await findClientLine(db, { ...ids, contractId: contract, lineId: line });
      if (!row) return null;
      const rows = await listTimeEntries(db, { workspaceId: ids.workspaceId, lineId: line, start: period.start, end: period.end });
      return rows.map((entry) => ({
        id: toHostId(entry.id),
        date: entry.work_date,
        amount: decimal(entry.amount),
        description: entry.description,
        by: entry.staff_name,
      }));
    },
  };
}
