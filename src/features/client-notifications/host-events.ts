// What a host's change that the client is to be told of becomes: the kind of notification and its
// record, named as the host named it.
import type { ParsedHostChange } from '../../core/index.ts';
import type { ClientEvent } from './events.ts';

const KIND_OF = {
  document: 'document_shared',
  task: 'task_assigned',
  invoice: 'invoice_issued',
  proposal: 'offer_sent',
  quotation: 'offer_sent',
  ticket: 'ticket_answered',
  request: 'request_answered',
  appointment: 'appointment_answered',
  approval: 'approval_requested',
  order: 'order_shipped',
  contract: 'allowance_nearly_used',
} as const;

/** An order has two happenings the client is told of: confirmed by the agency, or a shipment of it on its way. */
const kindOf = (change: ParsedHostChange) =>
  change.kind === 'order' && change.happened === 'confirmed' ? 'order_confirmed' : KIND_OF[change.kind];

export function clientEventOf(change: ParsedHostChange): ClientEvent {
  return {
    workspaceId: change.workspaceId,
    clientId: change.clientId,
    kind: kindOf(change),
    subjectType: change.kind,
    subjectId: change.id,
    title: change.title ?? null,
    number: change.number ?? null,
    contactId: change.kind === 'task' ? (change.contactId ?? null) : null,
    occurrence: change.occurrence ?? null,
  };
}
