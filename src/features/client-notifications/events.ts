// What happened to a client's record, as a teller reports it to the notifications service
// (service.ts) and as the details module reads what to say of it (details.ts).
import type { NotificationKind } from './kinds.ts';
import type { NotificationDetail } from './queries.ts';

export interface ClientEvent {
  workspaceId: string;
  clientId: string;
  kind: NotificationKind;
  subjectType:
    | 'invoice'
    | 'proposal'
    | 'quotation'
    | 'task'
    | 'document'
    | 'message'
    | 'ticket'
    | 'survey'
    | 'request'
    | 'appointment'
    | 'approval'
    | 'order'
    | 'contract';
  subjectId: string;
  /**
   * Which happening on the record this is, where one record has many (each answer on a ticket: the
   * host's id of it); each is told once. Absent: told once per record.
   */
  occurrence?: string | null;
  title?: string | null;
  number?: string | null;
  /** The one contact the record is for (a task assigned to a person, a survey to who opened the ticket); everyone allowed otherwise. */
  contactId?: string | null;
  /** What happened, where the teller knows it (a reply's first words); otherwise read from the host (details.ts). */
  detail?: NotificationDetail;
}
