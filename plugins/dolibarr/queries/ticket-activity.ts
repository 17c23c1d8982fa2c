// A Dolibarr ticket's last activity as its client sees it, as SQL over the ticket aliased t: the
// newest of its creation, Dolibarr's last change, its closing and its newest public message.
// Shared by the ticket queries and the portal's order of each company's tickets (ticket-order.ts),
// so both read one rule.

/** The message codes a client reads; anything else on the ticket (private notes, trigger events) is not a message. */
export const PUBLIC_MESSAGE_CODES = ['TICKET_MSG', 'TICKET_MSG_SENTBYMAIL'] as const;

/** PUBLIC_MESSAGE_CODES as an SQL list. */
export const PUBLIC_MESSAGES_SQL = `(${PUBLIC_MESSAGE_CODES.map((code) => `'${code}'`).join(', ')})`;

/** The activity of the ticket t, with `latest` the datep of its newest public message (SQL). */
export const activityWith = (latest: string) => `greatest(t.datec, t.tms, t.date_close, ${latest})`;

/** The activity of the ticket t, its newest public message probed through llx_actioncomm's fk_element index. */
export const ACTIVITY_SQL = activityWith(`(
    select max(a.datep) from llx_actioncomm a
     where a.fk_element = t.rowid and a.elementtype = 'ticket' and a.entity = t.entity
       and a.code in ${PUBLIC_MESSAGES_SQL})`);
