// The host port of contracts and the usage of their allowances (ContractsPort): what the portal needs
// from the host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding
// implements it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId } from '../../core/index.ts';

/** How an allowance is counted: hours of work, or units of a service (visits, licences, devices). */
export type AllowanceMeasure = 'hours' | 'units';

/** What a contract line allows in one period and how much of it is used. */
export interface ContractAllowance {
  measure: AllowanceMeasure;
  /** The unit's name as the host keeps it where counted in units ("licences"); null for hours. */
  unitName: string | null;
  /** The period (YYYY-MM-DD, the start within it, the end not), or null where the host keeps no usage for today. */
  periodStart: string | null;
  periodEnd: string | null;
  /** What the period allows, anything rolled over from the one before included. */
  total: number;
  used: number;
}

export type ContractState = 'active' | 'upcoming' | 'ended';

export interface ContractLineSummary {
  id: HostId;
  name: string;
  description: string | null;
  /** How many of the line's service the contract includes, where the host keeps a number. */
  quantity: number | null;
  /** YYYY-MM-DD, or null where the line runs with its contract. */
  startsOn: string | null;
  endsOn: string | null;
  /** An allowance (hours, units) and today's period of it; null for a line without one. */
  allowance: ContractAllowance | null;
}

export interface ContractSummary {
  id: HostId;
  /** The host's number for it ("CT2611-0001"), where it keeps one. */
  reference: string | null;
  name: string;
  state: ContractState;
  /** YYYY-MM-DD, or null. */
  startsOn: string | null;
  endsOn: string | null;
  lines: ContractLineSummary[];
}

interface ContractDetail extends ContractSummary {
  description: string | null;
}

/** One period of an allowance: what it allowed and what was used in it. */
export interface AllowancePeriod {
  /** YYYY-MM-DD, the start within the period, the end not. */
  start: string;
  end: string;
  total: number;
  used: number;
}

/** A piece of work counted against an allowance, as the agency recorded it. */
export interface ContractTimeEntry {
  id: HostId;
  /** YYYY-MM-DD, the day the work was done. */
  date: string;
  /** Hours, or units where the allowance counts units. */
  amount: number;
  description: string;
  /** Who did the work, as the host names them; null where it keeps no name. */
  by: string | null;
}

/**
 * A client's contracts with the agency, their lines, and what each allowance allows and has used,
 * as the host's own screens compute it. Every call is scoped by workspace and client: another
 * company's contract is not found (null). `today` (YYYY-MM-DD, the reader's day) chooses the
 * current period, unless the host's own client pages count by a day of their own (Alga PSA: the
 * UTC day). Only contracts the host shows a client (never templates; a draft only where the host's
 * own client pages show it).
 */
export interface ContractsPort {
  /** Running ones first, then upcoming, then ended; each with its lines and today's period of each allowance. */
  list(workspaceId: HostId, clientId: HostId, today: string): Promise<ContractSummary[]>;
  find(workspaceId: HostId, clientId: HostId, contractId: HostId, today: string): Promise<ContractDetail | null>;
  /** A line's periods, newest first, at most `limit`; null when the line is not the contract's or has no allowance. */
  history(
    workspaceId: HostId,
    clientId: HostId,
    contractId: HostId,
    lineId: HostId,
    today: string,
    limit: number,
  ): Promise<{ line: ContractLineSummary; periods: AllowancePeriod[] } | null>;
  /** The work counted in one period of a line, by day; null when the line is not the contract's. */
  entries(
    workspaceId: HostId,
    clientId: HostId,
    contractId: HostId,
    lineId: HostId,
    period: { start: string; end: string },
  ): Promise<ContractTimeEntry[] | null>;
  /**
   * Optional: the contract's page on the agency's side, as TicketsPort.staffPageOf, which lists the
   * client's asks for more hours and answers them (CustomerPortal.contractHours). Staff
   * notifications of an ask link there. Without it, clients are not offered to ask for more hours.
   */
  staffPageOf?(id: HostId): string | null;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** The client's contracts and the usage of their allowances; without it the contracts section does not exist. */
    contracts?: ContractsPort;
  }
}
