// The host port of news (HostNewsPort): what the agency did in the host that the client's people
// are to be told of, read by the portal for a host that cannot report it with hostRecordChanged.
// What the portal needs from the host CRM for this feature, beside the core's ports
// (src/core/ports/host.ts). A host binding implements it; the declaration at the end adds it to
// HostAdapter, so the core names no feature.
import type { HostId } from '../../core/index.ts';

/** Something the agency did in the host that the client's people are to be told of. */
export interface HostNewsItem {
  kind: 'invoice' | 'proposal' | 'quotation' | 'task' | 'ticket' | 'appointment' | 'order' | 'contract';
  /**
   * An invoice `issued`; a proposal or quotation `sent` for the client's answer; a task `assigned`
   * to a contact; a ticket or an appointment `answered` by the agency; an order `shipped` (a
   * shipment of it left: the id is the order's, the occurrence the shipment's); a contract
   * `reached` (a line's use this period reached a threshold of its allowance: the number is the
   * threshold in percent, the title the line's name, the occurrence line, period and threshold)
   * (the words of hostRecordChanged's change).
   */
  happened: 'issued' | 'sent' | 'assigned' | 'answered' | 'shipped' | 'reached';
  id: HostId;
  clientId: HostId;
  number: string;
  title: string;
  /** With a task: the contact it was assigned to; with an appointment: the contact who asked for it. */
  contactId?: HostId;
  /**
   * Which happening on the record this is, where a record has many: a ticket's answers and status
   * changes each carry the host's own id of it (the same when read again), and each is told once.
   * Absent: the record is told once (an invoice issued).
   */
  occurrence?: string;
}

/**
 * What the agency issued and sent in the host, read by the portal for a host that cannot call
 * `hostRecordChanged` from its own pages (a CRM in another process or language). Optional.
 */
export interface HostNewsPort {
  /**
   * The workspace's invoices issued, offers sent, tasks assigned and tickets answered (where its
   * tickets port is on) after `cursor` (what the host can tell), with the cursor to pass next
   * time. The cursor is the adapter's own text; null is the first read, which tells what happened
   * after `startedAt` (when the portal began to follow the workspace, kept by the portal, so a
   * first read minutes or a restart later misses nothing in between) and nothing before it. An item
   * may come again in a later call (an adapter reads a little before its cursor, so a write
   * committed late is not missed): the portal tells each person once. Scoped by workspace; only
   * records the client may see (list() and find() answer them).
   */
  since(workspaceId: HostId, cursor: string | null, startedAt: Date): Promise<{ items: HostNewsItem[]; cursor: string }>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Invoices issued and offers sent, polled for clients' notifications; without it the host reports them with hostRecordChanged. */
    news?: HostNewsPort;
  }
}
