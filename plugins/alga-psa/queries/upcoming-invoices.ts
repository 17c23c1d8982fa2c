// When Alga PSA will invoice a client next, read from the ledger its billing runs from
// (recurring_service_periods, Alga's service periods of each contract line, materialized some 180
// days ahead by its nightly billing-cycle job and by every contract or cadence change). Each row is
// a service period of a contract line, due in an invoice window: the client's billing cycle
// (cadence_owner 'client', the client_billing_cycles period) or the contract line's own cycle from
// its assignment's start (cadence_owner 'contract'); billed in the window it covers (billing_timing
// 'advance') or in the next one (arrears). Alga lists a window to its agency as due work from the
// window's first day (recurringDueWork.ts: early before it, availableOnDate), one invoice per
// client and window (groupDueServicePeriodsForInvoiceCandidates), and makes it when the agency
// generates it (no job schedules generate-invoice at this version): so the window's first day is
// the first day the invoice can come.
//
// The rows read are those Alga's due work lists and its engine bills (billingAndTax.ts
// fetchPersistedRecurringDueWorkDbRows, billingEngine.ts getClientContractLinesForBillingPeriod):
// a contract line's row (obligation_type 'contract_line', or 'client_contract_line' whose
// obligation_id is the contract line since the client contract lines were dropped) of a contract
// the client owns (owner_client_id), not Alga's system-managed default contract; in a state its due
// selection takes (generated, edited, locked: not skipped, superseded, archived or billed) and not
// linked to an invoice yet; with the client's client_contracts row of that contract active, started
// before the window ends and not ended before it starts. Windows from today on only (the UTC day,
// as Alga's server takes it): a window already open is due work for the agency to issue, not
// something coming.
import { type Db, notInactive } from './db.ts';

/** Alga's DEFAULT_RECURRING_SERVICE_PERIOD_DUE_SELECTION_STATES. */
const DUE_STATES = ['generated', 'edited', 'locked'] as const;
/** The obligations a client's contract lines are in the ledger: contract cadence, and client cadence after the drop. */
const CONTRACT_LINE_OBLIGATIONS = ['contract_line', 'client_contract_line'] as const;

export interface UpcomingWindowRow {
  /** The window's first day, 'YYYY-MM-DD'. */
  window_start: string;
  /** Its end, exclusive ([start, end) as Alga keeps windows), 'YYYY-MM-DD'. */
  window_end: string;
  /** The names of the contracts billed in it, sorted. */
  contract_names: string[];
  /**
   * The cycles its rows follow, as Alga names them: the client's billing_cycle for client cadence,
   * the line's billing_frequency for contract cadence.
   */
  cycles: Array<string | null>;
}

/** The client's next invoice windows, soonest first (then the shorter), at most `limit`: one statement. */
export function listUpcomingInvoiceWindows(
  db: Db,
  args: { tenant: string; clientId: string; today: string; limit: number },
): Promise<UpcomingWindowRow[]> {
  return (
    db('recurring_service_periods as rsp')
      .join('contract_lines as cl', (j) => j.on('cl.tenant', 'rsp.tenant').andOn('cl.contract_line_id', 'rsp.obligation_id'))
      .join('contracts as ct', (j) => j.on('ct.tenant', 'cl.tenant').andOn('ct.contract_id', 'cl.contract_id'))
      .join('client_contracts as cc', (j) =>
        j.on('cc.tenant', 'ct.tenant').andOn('cc.contract_id', 'ct.contract_id').andOn('cc.client_id', 'ct.owner_client_id'),
      )
      .join('clients as c', (j) => j.on('c.tenant', 'cc.tenant').andOn('c.client_id', 'cc.client_id'))
      .where({ 'rsp.tenant': args.tenant, 'ct.owner_client_id': args.clientId, 'cc.is_active': true })
      .andWhereRaw(notInactive('c.is_inactive'))
      .whereIn('rsp.obligation_type', CONTRACT_LINE_OBLIGATIONS)
      .whereIn('rsp.lifecycle_state', DUE_STATES)
      .whereNull('rsp.invoice_charge_detail_id')
      // A window that opens today is open: the agency's due work, not what comes next.
      .andWhere('rsp.invoice_window_start', '>', args.today)
      .andWhereRaw('coalesce(ct.is_system_managed_default, false) = false')
      // The engine's assignment rule for a window: started before it ends, not ended before it starts.
      .andWhereRaw('cc.start_date < rsp.invoice_window_end')
      .andWhere((q) => q.whereNull('cc.end_date').orWhereRaw('cc.end_date >= rsp.invoice_window_start'))
      .groupBy('rsp.invoice_window_start', 'rsp.invoice_window_end')
      .orderBy([{ column: 'rsp.invoice_window_start' }, { column: 'rsp.invoice_window_end' }])
      .limit(args.limit)
      .select<UpcomingWindowRow[]>(
        db.raw(`to_char(rsp.invoice_window_start, 'YYYY-MM-DD') as window_start`),
        db.raw(`to_char(rsp.invoice_window_end, 'YYYY-MM-DD') as window_end`),
        db.raw('array_agg(distinct ct.contract_name::text order by ct.contract_name::text) as contract_names'),
        db.raw(`array_agg(distinct case when rsp.cadence_owner = 'contract' then cl.billing_frequency else c.billing_cycle end) as cycles`),
      )
  );
}
