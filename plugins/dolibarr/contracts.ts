// ContractsPort on Dolibarr: the company's validated contracts (llx_contrat) with their service
// lines (llx_contratdet, in their order), as a contract card lists them. A line is an allowance of
// hours where Dolibarr counts it in time: its unit is one of time (llx_c_units unit_type 'time',
// its scale in seconds), else its product's duration is in hours ('2h'); it allows qty of them over
// its term, Dolibarr's only period for a line (from its opening to the end of its validity, or
// today while it has no end), and uses the durations of the contract's interventions past draft
// dated within it (llx_fichinterdet.duree, seconds). The agency writes an intervention line's
// description in its editor: the portal shows its text.
import type { ContractLineSummary, ContractsPort, ContractState, ContractSummary } from '../../src/index.ts';
import { byState, decimal } from '../shared/contract-periods.ts';
import { parseId, toHostId } from './ids.ts';
import { htmlBlocks } from './knowledge-html.ts';
import { fullName } from './names.ts';
import {
  type DolibarrContractLineRow,
  type DolibarrContractRow,
  findDolibarrContractLine,
  listDolibarrContractLines,
  listDolibarrContracts,
  listInterventionLines,
  usedInTerms,
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

function presentLine(
  row: DolibarrContractLineRow,
  contract: { date_contrat: string | null },
  today: string,
  seconds: number,
): ContractLineSummary {
  const hours = allowedHours(row);
  const term = termOf(row, contract, today);
  return {
    id: toHostId(row.rowid),
    name: row.label?.trim() || row.product_label?.trim() || `#${row.rowid}`,
    description: textOf(row.description),
    quantity: hours === null ? decimal(row.qty) : null,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    allowance:
      hours === null
        ? null
        : { measure: 'hours', unitName: null, periodStart: term.start, periodEnd: term.end, total: hours, used: decimal(seconds / 3600) },
  };
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

  async function read(ids: { entity: number; companyId: number; contractId?: number }, today: string) {
    const contracts = await listDolibarrContracts(db, ids);
    const lines = await listDolibarrContractLines(
      db,
      contracts.map((c) => c.rowid),
    );
    const timed = lines.filter((line) => allowedHours(line) !== null).map((line) => line.rowid);
    const used = new Map(
      (await usedInTerms(db, { ...ids, lineIds: timed, until: today })).map((row) => [row.line_id, Number(row.seconds)]),
    );
    const present = (row: DolibarrContractRow): ContractSummary & { description: string | null } => {
      const own = lines.filter((line) => line.fk_contrat === row.rowid);
      return {
        id: toHostId(row.rowid),
        reference: row.ref,
        name: row.ref_customer?.trim() || row.ref || `#${row.rowid}`,
        description: textOf(row.note_public),
        state: stateOf(row, own, today),
        startsOn: row.date_contrat,
        endsOn: row.fin_validite,
        lines: own.map((line) => presentLine(line, row, today, used.get(line.rowid) ?? 0)),
      };
    };
    return byState(contracts.map(present));
  }

  /** The line with its contract, when both are the company's and the line counts hours. */
  async function timedLine(ids: { entity: number; companyId: number }, contractId: number, lineId: number, today: string) {
    const [contract] = await listDolibarrContracts(db, { ...ids, contractId });
    if (!contract) return null;
    const row = await findDolibarrContractLine(db, { ...ids, contractId, lineId });
    if (!row || allowedHours(row) === null) return null;
    return { contract, row, term: termOf(row, contract, today) };
  }

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
    async history(workspaceId, clientId, contractId, lineId, today) {
      const ids = scope(workspaceId, clientId);
      const contract = parseId(contractId);
      const line = parseId(lineId);
      if (!ids || contract === null || line === null) return null;
      const found = await timedLine(ids, contract, line, today);
      if (!found) return null;
      const [usage] = await usedInTerms(db, { ...ids, lineIds: [line], until: today });
      const summary = presentLine(found.row, found.contract, today, Number(usage?.seconds ?? 0));
      // Dolibarr keeps one period per line, its term.
      return { line: summary, periods: [{ ...found.term, total: summary.allowance!.total, used: summary.allowance!.used }] };
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
