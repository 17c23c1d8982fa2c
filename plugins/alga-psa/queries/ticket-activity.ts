// What a client sees of an Alga ticket's state and activity, as SQL over the ticket aliased t and
// its status aliased s: closed, waiting on the client, a comment the client may read, and the
// list's last activity. Shared by the ticket queries, the news read and the portal's order of
// each client's tickets (ticket-order.ts), so all three read one rule.

/** Closed = the status's is_closed (the ticket's own is_closed flag where it has no status). */
export const CLOSED = 'coalesce(s.is_closed, t.is_closed, false)';
/** Waiting on the client: open, with Alga's response_state saying so. */
export const WAITING = `(not ${CLOSED} and t.response_state = 'awaiting_client')`;

/** A comment row `c` the client may read (Alga's getClientTicketDetails, plus soft deletion). */
export const VISIBLE_COMMENT = `not c.is_internal and c.publish_state = 'published' and c.deleted_at is null
  and not exists (select 1 from comment_threads ct where ct.tenant = c.tenant and ct.thread_id = c.thread_id and ct.is_internal)`;

/**
 * The threads of a ticket whose last activity the client sees, aliased ct (with their first
 * comments, c): not internal, their first comment one the client may read. A reply Alga schedules
 * in such a thread moves the ticket when it is written, not when it is published.
 */
export const VISIBLE_THREADS = `comment_threads ct
     join comments c on c.tenant = ct.tenant and c.comment_id = ct.root_comment_id
    where not ct.is_internal and ${VISIBLE_COMMENT}`;

/** Opened, updated, closed, or `latest` (SQL: the newest visible thread's activity): whichever is latest. */
export const activityWith = (latest: string) => `greatest(t.entered_at, t.updated_at, t.closed_at, ${latest},
  '1970-01-01T00:00:00Z'::timestamptz)`;

/**
 * The ticket t's last activity. The conversation's time is its threads' last_activity_at (which
 * Alga keeps on each comment and reply) through Alga's (tenant, ticket_id, last_activity_at) index
 * on comment_threads: comments have no index by ticket, and reading them would scan the tenant's
 * comments for every ticket.
 */
export const LAST_ACTIVITY = activityWith(`(select max(ct.last_activity_at) from ${VISIBLE_THREADS}
    and ct.tenant = t.tenant and ct.ticket_id = t.ticket_id)`);
