// What the tickets routes accept. Messages are keys of tickets.json, shown in the reader's language.
import { z } from 'zod';
import { HostIdParam } from '../../core/index.ts';

const SUBJECT_MAX = 200;
const BODY_MAX = 10_000;

const cursor = z
  .string()
  .max(400, 'tickets:errors.page')
  .regex(/^[A-Za-z0-9_-]*$/, 'tickets:errors.page')
  .optional();

export const TicketsQuery = z.object({
  tab: z.enum(['open', 'closed', 'all'], { error: 'tickets:errors.tab' }).default('open'),
  q: z
    .string()
    .trim()
    .max(100, 'tickets:errors.search')
    .optional()
    .transform((q) => (q ? q : undefined)),
  after: cursor,
});
export type TicketsQueryInput = z.infer<typeof TicketsQuery>;

/** A host id (ticket, category, priority): whatever the host uses, within reason; the adapter decides if it is this client's. */
export const HostTicketId = HostIdParam;

export const AttachmentId = z.uuid();

/** An optional choice of the host's: empty means none. */
const choice = z
  .string()
  .max(64, 'tickets:errors.choice')
  .regex(/^[A-Za-z0-9_-]*$/, 'tickets:errors.choice')
  .optional()
  .transform((value) => (value ? value : null));

export const NewTicketCommand = z.object({
  subject: z
    .string({ error: 'tickets:errors.subject' })
    .trim()
    .min(1, 'tickets:errors.subject')
    .max(SUBJECT_MAX, 'tickets:errors.subjectLong'),
  description: z
    .string({ error: 'tickets:errors.description' })
    .trim()
    .min(1, 'tickets:errors.description')
    .max(BODY_MAX, 'tickets:errors.long'),
  categoryId: choice,
  typeId: choice,
  priorityId: choice,
  /** The client's device the ticket is about (the devices section's "open a ticket about this device"). */
  deviceId: choice,
  /** Filled in by the streamed form reader (receiveForm); never typed. */
  attachments: z.array(z.unknown()).max(5).optional(),
});
export type NewTicketInput = z.infer<typeof NewTicketCommand>;

/** The new-ticket form, started from a device's page: the device it is about. */
export const NewTicketQuery = z.object({ device: choice });
export type NewTicketQueryInput = z.infer<typeof NewTicketQuery>;

export const ReplyCommand = z.object({
  body: z.string({ error: 'tickets:errors.body' }).trim().min(1, 'tickets:errors.body').max(BODY_MAX, 'tickets:errors.long'),
  attachments: z.array(z.unknown()).max(5).optional(),
});
export type ReplyInput = z.infer<typeof ReplyCommand>;

/** An answer to a ticket's satisfaction survey: the rating on the survey's scale and an optional comment. */
export const SurveyAnswerCommand = z.object({
  rating: z
    .string({ error: 'tickets:errors.rating' })
    // 1 to 10, the widest scale a host's template has (Alga's rating_scale); checked against the survey's own after.
    .regex(/^([1-9]|10)$/, 'tickets:errors.rating')
    .transform(Number),
  comment: z
    .string()
    .trim()
    .max(2000, 'tickets:errors.ratingComment')
    .optional()
    .transform((value) => (value ? value : null)),
});
export type SurveyAnswerInput = z.infer<typeof SurveyAnswerCommand>;

/** Close and reopen carry nothing but the CSRF token. */
export const TicketActionCommand = z.object({});
