// What a tickets port's create() answered, taken as the ticket it opened: a test that expects a
// ticket fails here, saying what came instead, on a refusal (TicketRefusal) or nothing (null).
import type { TicketRefusal, TicketSummary } from '../../src/features/tickets/port.ts';

export function opened(result: TicketSummary | TicketRefusal | null): TicketSummary {
  if (result === null || 'refused' in result) throw new Error(`no ticket was opened: ${JSON.stringify(result)}`);
  return result;
}
