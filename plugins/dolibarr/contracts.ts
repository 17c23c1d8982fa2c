// ContractsPort on Dolibarr: the company's validated contracts (llx_contrat) with their service
// lines (llx_contratdet, in their order), as a contract card lists them. A line counts hours where
// Dolibarr counts it in time: its unit is one of time (llx_c_units unit_type 'time', its scale in
// seconds), else its product's duration is in hours ('2h'); it allows qty of them over its term,
// Dolibarr's only period for a line (from its opening to the end of its validity, or today while it
// has no end).
//
// Dolibarr links an intervention to a contract, never to a line (llx_fichinter.fk_contrat), so the
// hours are the contract's: one allowance, what its hours lines allow together, over the span of
// their terms, using each intervention past draft dated within it once (llx_fichinterdet.duree,
// seconds). The first hours line carries it, named after every hours line it adds up
// ("Support hours + Maintenance hours"); the others say only what they allow, as their quantity
// of hours. A contract with one hours line reads as that line. The agency writes an intervention
// line's description in its editor: the portal shows its text.
import type { ContractLineSummary, ContractsPort, ContractState, ContractSummary } from '../../src/index.ts';
import { byState, decimal } from '../shared/contract-periods.ts';
import { contractListAndFind } from '../shared/contract-reads.ts';
import { parseId, toHostId } from './ids.ts';
import { htmlBlocks } from '../shared/knowledge-html.ts';
import { fullName } from './names.ts';
import {
  type DolibarrContractLineRow,
  type DolibarrContractRow,
  findDolibarrContractLine,
  listDolibarrContractLines,
  listDolibarrContracts,
  listInterventionLines,
  usedOnContracts,
} from './queries/contracts.ts';
import type { Db } from './queries/db.ts';

type EntityOf = (workspaceId: string) => number | null;

/** A contract line's status: 0 not yet opened, 4 open, 5 closed. */
const LINE_CLOSED = 5;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

/** Hours the line allows, where Dolibarr counts it in time; null otherwise. */
function allowedHours(row: DolibarrContractLineRow): number | null {
  if (row.unit_seconds) return decimal((row.qty * row.unit_seconds) / 3600);
  const duration = /^(\d+(?:\.\d+)?)h$/i.exec(row.product_duration?.trim() ?? '');
  return duration ? decimal(row.qty * Number(duration[1])) : null;
}

/** The line's term as a period: its first day, and the day after its last (after today while open-ended). */
function termOf(row: DolibarrContractLineRow, contract: { date_contrat: string | null }, today: string) {
  const start = row.starts_on ?? contract.date_contrat ?? today;
  return { start, end: nextDay(row.ends_on ?? (today > start ? today : start)) };
}

/** A contract's hours: the lines that count them, what they allow together and the span of their terms. */
interface ContractHours {
  lines: DolibarrContractLineRow[];
  total: number;
  start: string;
  end: string;
}

function hoursOf(
  lines: readonly DolibarrContractLineRow[],
  contract: { date_contrat: string | null },
  today: string,
): ContractHours | null {
  const timed = lines.filter((line) => allowedHours(line) !== null);
  if (timed.length === 0) return null;
  const terms = timed.map((line) => termOf(line, contract, today));
  return {
    lines: timed,
    total: decimal(timed.reduce((sum, line) => sum + (allowedHours(line) ?? 0), 0)),
    // Days as 'YYYY-MM-DD' sort as text: the earliest start and the latest end.
    start: terms.map((term) => term.start).sort()[0]!,
    end: terms
      .map((term) => term.end)
      .sort()
      .at(-1)!,
  };
}

const lastDay = (end: string) => new Date(Date.parse(`${end}T00:00:00Z`) - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

/**
 * A line as the contract page shows it: the first hours line carries the contract's hours (named
 * after all of them, over their span, used counted once); another hours line says what it allows.
 */
function presentLine(row: DolibarrContractLineRow, hours: ContractHours | null, seconds: number): ContractLineSummary {
  const base = {
    id: toHostId(row.rowid),
    ...wordsOf(row),
    quantity: decimal(row.qty),
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    allowance: null,
  };
  if (!hours?.lines.includes(row)) return base;
  if (hours.lines[0] !== row) return { ...base, quantity: allowedHours(row) };
  const several = hours.lines.length > 1;
  return {
    ...base,
    name: hours.lines.map((line) => wordsOf(line).name).join(' + '),
    description: several ? null : base.description,
    quantity: null,
    startsOn: several ? hours.start : row.starts_on,
    endsOn: several ? lastDay(hours.end) : row.ends_on,
    allowance: {
      measure: 'hours',
      unitName: null,
      periodStart: hours.start,
      periodEnd: hours.end,
      total: hours.total,
      used: decimal(seconds / 3600),
    },
  };
}

/**
 * A line's name and description as the contract card shows it: its label, else its product's, else
 * (a free line, which Contrat::addline writes as a description only) the first line of its text.
 */
function wordsOf(line: DolibarrContractLineRow): { name: string; description: string | null } {
  const description = textOf(line.description);
  const named = line.label?.trim() || line.product_label?.trim();
  if (named) return { name: named, description };
  if (!description) return { name: `#${line.rowid}`, description: null };
  const [first = '', ...rest] = description.split('\n');
  return { name: first, description: rest.join('\n').trim() || null };
}

function textOf(html: string | null): string | null {
  const text = htmlBlocks(html)
    .map((block) => block.text)
    .join('\n')
    .trim();
  return text || null;
}

function stateOf(row: DolibarrContractRow, lines: readonly DolibarrContractLineRow[], today: string): ContractState {
  if (lines.length > 0 && lines.every((line) => line.statut === LINE_CLOSED)) return 'ended';
  if (row.fin_validite !== null && row.fin_validite < today) return 'ended';
  if (row.date_contrat !== null && row.date_contrat > today) return 'upcoming';
  return 'active';
}

export function dolibarrContracts(db: Db, entityOf: EntityOf): ContractsPort {
  const scope = (workspaceId: string, clientId: string) => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    return entity !== null && companyId !== null ? { entity, companyId } : null;
  };

  /** The seconds used on each contract with hours, over the span of its hours lines. */
  async function usedOn(ids: { entity: number; companyId: number }, spans: Array<{ contractId: number } & ContractHours>) {
    const rows = await usedOnContracts(db, { ...ids, spans: spans.map(({ contractId, start, end }) => ({ contractId, start, end })) });
    return new Map(rows.map((row) => [row.fk_contrat, Number(row.seconds)]));
  }

  async function read(ids: { entity: number; companyId: number; contractId?: number }, today: string) {
    const contracts = await listDolibarrContracts(db, ids);
    const lines = await listDolibarrContractLines(
      db,
      contracts.map((c) => c.rowid),
    );
    const linesOf = (contract: DolibarrContractRow) => lines.filter((line) => line.fk_contrat === contract.rowid);
    const hours = new Map(contracts.map((contract) => [contract.rowid, hoursOf(linesOf(contract), contract, today)]));
    const used = await usedOn(
      ids,
      [...hours].flatMap(([contractId, h]) => (h ? [{ contractId, ...h }] : [])),
    );
    const present = (row: DolibarrContractRow): ContractSummary & { description: string | null } => {
      const own = linesOf(row);
      return {
        id: toHostId(row.rowid),
        reference: row.ref,
        name: row.ref_customer?.trim() || row.ref || `#${row.rowid}`,
        description: textOf(row.note_public),
        state: stateOf(row, own, today),
        startsOn: row.date_contrat,
        endsOn: row.fin_validite,
        lines: own.map((line) => presentLine(line, hours.get(row.rowid) ?? null, used.get(row.rowid) ?? 0)),
      };
    };
    return byState(contracts.map(present));
  }

  /** The contract's line carrying its hours (the first hours line), when both are the company's. */
  async function hoursLine(ids: { entity: number; companyId: number }, contractId: number, lineId: number, today: string) {
    const [contract] = await listDolibarrContracts(db, { ...ids, contractId });
    if (!contract) return null;
    const hours = hoursOf(await listDolibarrContractLines(db, [contract.rowid]), contract, today);
    const row = hours?.lines[0];
    if (!hours || row?.rowid !== lineId) return null;
    return { hours, row };
  }

  return {
    ...contractListAndFind(scope, parseId, read),
    async history(workspaceId, clientId, contractId, lineId, today) {
      const ids = scope(workspaceId, clientId);
      const contract = parseId(contractId);
      const line = parseId(lineId);
      if (!ids || contract === null || line === null) return null;
      const found = await hoursLine(ids, contract, line, today);
      if (!found) return null;
      const used = await usedOn(ids, [{ contractId: contract, ...found.hours }]);
      const summary = presentLine(found.row, found.hours, used.get(contract) ?? 0);
      const allowance = summary.allowance!;
      // Dolibarr keeps one period for a contract's hours: the span of its hours lines' terms.
      return { line: summary, periods: [{ start: found.hours.start, end: found.hours.end, total: allowance.total, used: allowance.used }] };
    },
    async entries(workspaceId, clientId, contractId, lineId, period) {
      const ids = scope(workspaceId, clientId);
      const contract = parseId(contractId);
      const line = parseId(lineId);
      if (!ids || contract === null || line === null) return null;
      const row = await findDolibarrContractLine(db, { ...ids, contractId: contract, lineId: line });
      if (!row) return null;
      const rows = await listInterventionLines(db, { ...ids, contractId: contract, start: period.start, end: period.end });
      return rows.map((entry) => ({
        id: toHostId(entry.rowid),
        date: entry.work_date,
        amount: decimal((entry.duree ?? 0) / 3600),
        description: textOf(entry.description) ?? entry.ref,
        by: entry.firstname || entry.lastname ? fullName(entry.firstname, entry.lastname) : null,
      }));
    },
  };
}
