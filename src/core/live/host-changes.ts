// Changes the host makes in its own pages (staff share a document, move a task's due date, reassign
// or delete it; issue an invoice, send a proposal; answer a ticket or change its status; share a
// version of work for approval, send a shipment of an order, count time that brings a contract
// line's allowance to a threshold): the host tells the portal with
// CustomerPortal.hostRecordChanged. A document or task change becomes the same live event the
// portal's own changes send (document-changed, task-changed), on the same channels, so every
// instance's open pages of that client refresh; the event carries ids only, and each page fetches
// what it shows itself. Where the host also says what happened to the client (`happened`), the
// client's people are notified (src/features/client-notifications). Any change, told or not, has
// the client's kept dashboards read again (src/core/summaries): a host reports an invoice paid or
// voided, a proposal withdrawn, with no `happened`.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { EventBus } from '../events/event-bus.ts';
import { recordAndAnnounce, type LiveEventType } from './live-events.ts';
import { bumpSummaryGeneration } from '../summaries/queries.ts';

/**
 * How often the portal reads what a host that cannot call it changed (HostNewsPort.since, the
 * client-notifications feature): a change such a host makes is seen within this long, and what the
 * portal keeps of a client's records (a kept dashboard) is read again at least as often.
 */
export const HOST_NEWS_INTERVAL_MS = 5 * 60_000;

const HOST_RECORD_KINDS = [
  'document',
  'task',
  'invoice',
  'proposal',
  'quotation',
  'ticket',
  'request',
  'appointment',
  'approval',
  'order',
  'contract',
] as const;
export type HostRecordKind = (typeof HOST_RECORD_KINDS)[number];

const HOST_HAPPENINGS = ['shared', 'assigned', 'issued', 'sent', 'answered', 'requested', 'confirmed', 'shipped', 'reached'] as const;
/** What happened that the client should be told of: each goes with one kind of record. */
type HostHappening = (typeof HOST_HAPPENINGS)[number];

/**
 * The kinds whose record has many happenings, each told once, so each must say which it is: an
 * approval's versions, an order's shipments, a contract line's thresholds per period.
 */
const TOLD_PER_OCCURRENCE: ReadonlySet<HostRecordKind> = new Set(['approval', 'order', 'contract']);

export interface HostRecordChange {
  workspaceId: string;
  /** The client whose portal shows the record (for a reassigned task, call once per client it moved between). */
  clientId: string;
  kind: HostRecordKind;
  /** The host's id of the record. */
  id: string;
  /**
   * What the client is to be told of, if anything: a document `shared` with them, a task
   * `assigned` to them, an invoice `issued`, a proposal or quotation `sent` for their answer, a
   * ticket `answered` (a message from the agency, or a status the agency set), a service or quote
   * request `answered` (the agency's answer, a status it set, or a quotation linked to it).
   * ticket `answered` (a message from the agency, or a status the agency set), an appointment
   * `answered` (the agency confirmed, declined or moved it: the client is sent the invitation), an
   * approval `requested` (the agency shared a version of the work: occurrence the version's number),
   * an order `confirmed` (a draft, such as one a client asked for with "order again", confirmed by
   * the agency: occurrence `confirmed`) or `shipped` (a shipment of it left: occurrence the
   * shipment's id; title the client's reference), a contract `reached` (a line's hours or units this period reached 80 % or 100 % of
   * its allowance: occurrence line, period and threshold; title the line's name, number the
   * threshold in percent).
   */
  happened?: HostHappening;
  /** The record's title and number as the client knows them, for the notification's words. */
  title?: string;
  number?: string;
  /** With `assigned`: the contact the task is for (everyone at the client when absent). */
  contactId?: string;
  /**
   * What tells this happening apart from an earlier one on the same record (a ticket's answer: the
   * message's id): each is told once. Absent, the record's happening is told once, as an invoice
   * issued is.
   */
  occurrence?: string;
}

const hostId = z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String);

/** The happenings each kind of record can have. */
const HAPPENS_TO: Record<HostRecordKind, readonly HostHappening[]> = {
  document: ['shared'],
  task: ['assigned'],
  invoice: ['issued'],
  proposal: ['sent'],
  quotation: ['sent'],
  ticket: ['answered'],
  request: ['answered'],
  appointment: ['answered'],
  approval: ['requested'],
  order: ['confirmed', 'shipped'],
  contract: ['reached'],
};

const changeSchema = z
  .object({
    workspaceId: hostId,
    clientId: hostId,
    kind: z.enum(HOST_RECORD_KINDS),
    id: hostId,
    happened: z.enum(HOST_HAPPENINGS).optional(),
    title: z.string().trim().max(300).optional(),
    number: z.string().trim().max(100).optional(),
    contactId: hostId.optional(),
    occurrence: z.string().trim().min(1).max(100).optional(),
  })
  .refine((change) => !change.happened || HAPPENS_TO[change.kind].includes(change.happened), {
    message: 'happened does not go with this kind of record (document shared, task assigned, invoice issued, proposal or quotation sent)',
    path: ['happened'],
  })
  .refine((change) => !change.happened || !TOLD_PER_OCCURRENCE.has(change.kind) || change.occurrence, {
    message:
      'what happened to an approval, order or contract is reported with its occurrence (the version, the shipment, the line’s period and threshold)',
    path: ['occurrence'],
  });

export type ParsedHostChange = z.infer<typeof changeSchema>;

const EVENT_OF: Partial<Record<HostRecordKind, { type: LiveEventType; idKey: string }>> = {
  document: { type: 'document-changed', idKey: 'documentId' },
  task: { type: 'task-changed', idKey: 'taskId' },
  ticket: { type: 'ticket-changed', idKey: 'ticketId' },
  request: { type: 'request-changed', idKey: 'requestId' },
  appointment: { type: 'appointment-changed', idKey: 'appointmentId' },
};

/** Checks the host's call: a malformed one is a bug in the host, so it throws a TypeError saying what is wrong. */
export function parseHostChange(input: HostRecordChange): ParsedHostChange {
  const parsed = changeSchema.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(`hostRecordChanged: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'change'} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * Marks the client's kept dashboards stale, then records and announces the live event of a checked
 * change. A database or bus failure is logged and swallowed: the host's change is done, and pages
 * catch up on their next load.
 */
export async function announceHostChange(
  deps: { db: Knex; bus: EventBus; onError: (message: string, err: unknown) => void },
  change: ParsedHostChange,
): Promise<void> {
  // Whatever the kind, the client's kept dashboards are read from the host again.
  await bumpSummaryGeneration(deps.db, change.workspaceId, change.clientId).catch((err: unknown) =>
    deps.onError('could not mark the client’s kept dashboard stale', err),
  );
  const event = EVENT_OF[change.kind];
  if (!event) return;
  await recordAndAnnounce(
    deps.db,
    deps.bus,
    {
      type: event.type,
      workspaceId: change.workspaceId,
      clientId: change.clientId,
      data: { [event.idKey]: change.id, source: 'host' },
    },
    deps.onError,
  );
}
