// How much time one person may hold while the agency has not answered. A booking takes a slot
// from every other client until the agency confirms or declines it, so one person (or a script
// with their session) could otherwise empty a calendar: at most a few bookings waiting at once,
// and a day's worth of booking acts, cancellations included, so booking and cancelling in a loop
// is held too. Per person: a colleague of the same company has their own.
import type { LimitRule } from '../../core/index.ts';

const HOUR = 60 * 60;

export const BOOKING_LIMITS = {
  /** Bookings asked for by one person that the agency has not answered yet and that are still to come. */
  pendingPerPerson: 3,
  /** Bookings asked for by one person in a day, however they ended. */
  bookingsPerPerson: { name: 'booking:person', points: 10, windowSeconds: 24 * HOUR, blockSeconds: 24 * HOUR },
} satisfies { pendingPerPerson: number; bookingsPerPerson: LimitRule };

/** The page size of the walk over coming appointments that counts a person's pending ones. */
export const PENDING_WALK_PAGE = 100;
