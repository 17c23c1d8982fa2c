// Calendar arithmetic on 'YYYY-MM-DD' days, for due dates and validity: no time zone can move a
// day, because "today" arrives already as the reader's calendar day (fmt.isoDay).

/** How soon before its valid-until an open offer is flagged as expiring. */
const EXPIRING_SOON_DAYS = 7;

/** Whole days from `from` to `to` (negative when `to` is earlier). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** 'overdue' past the day, 'soon' within EXPIRING_SOON_DAYS, otherwise null. */
export function deadlineState(day: string | null, today: string): 'past' | 'soon' | null {
  if (!day) return null;
  if (day < today) return 'past';
  return daysBetween(today, day) <= EXPIRING_SOON_DAYS ? 'soon' : null;
}
