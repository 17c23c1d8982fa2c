// What the portal reads of llx_facture_rec, Dolibarr's recurring invoice templates: the next
// invoices of one client company, soonest first by the next generation day (date_when; rowid
// breaks ties). Scoped through visibility.ts (recurringInvoicesSeenBy). Money is read as text,
// in the entity's main currency as the invoices it makes (total_ttc, as FactureRec::update_price
// keeps it from the template's lines).
import type { Db } from './db.ts';
import { recurringInvoicesSeenBy } from './visibility.ts';

export interface RecurringInvoiceRow {
  rowid: number;
  titre: string;
  total_ttc: string;
  frequency: number;
  /** 'd', 'm' or 'y' as the template's card offers them (dol_time_plus_duree also reads 'w'). */
  unit_frequency: string | null;
  /** date_when as 'YYYY-MM-DD': the day the next invoice is generated (today where Dolibarr has none yet: due now). */
  next_date: string;
}

export function listUpcomingInvoices(db: Db, args: { entity: number; companyId: number; limit: number }) {
  return (
    recurringInvoicesSeenBy(db, args)
      // No next date yet: due now, as Dolibarr's generation reads it.
      .orderByRaw('coalesce(r.date_when, current_date), r.rowid')
      .limit(args.limit)
      .select<RecurringInvoiceRow[]>(
        'r.rowid',
        'r.titre',
        db.raw('r.total_ttc::text as total_ttc'),
        'r.frequency',
        'r.unit_frequency',
        db.raw("to_char(coalesce(r.date_when, current_date), 'YYYY-MM-DD') as next_date"),
      )
  );
}
