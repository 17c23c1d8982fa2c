// What the "your data" pages and the agency's erasure pages accept. Messages are English here and
// shown in the reader's language through locales/<locale>/validation.json (the portal's side).
import { z } from 'zod';

export const REASON_MAX_LENGTH = 2000;

export const ExportCommand = z.object({});
export const WithdrawErasureCommand = z.object({});

export const ErasureRequestCommand = z.object({
  reason: z
    .string({ error: 'Write your reason as text.' })
    .trim()
    .max(REASON_MAX_LENGTH, `Keep the reason to ${REASON_MAX_LENGTH} characters.`)
    .optional()
    .transform((value) => (value ? value : null)),
});
export type ErasureRequestInput = z.infer<typeof ErasureRequestCommand>;

export const ExportIdParam = z.uuid();
export const ErasureRequestIdParam = z.uuid();

const NOTICES = ['exportRequested', 'exportBusy', 'erasureRequested', 'erasureAlready', 'erasureWithdrawn', 'exportGone'] as const;
export type PrivacyNotice = (typeof NOTICES)[number];

export const PrivacyQuery = z.object({
  // Only a fixed key is read; an unknown one shows no notice.
  notice: z
    .unknown()
    .optional()
    .transform((value) => ((NOTICES as readonly unknown[]).includes(value) ? (value as PrivacyNotice) : undefined)),
});
export type PrivacyQueryInput = z.infer<typeof PrivacyQuery>;

// ---- the agency's side (English, as every staff page) ----

const note = z
  .string({ error: 'Write the note as text.' })
  .trim()
  .max(REASON_MAX_LENGTH, `Keep the note to ${REASON_MAX_LENGTH} characters.`);

export const ApproveErasureCommand = z.object({
  note: note.optional().transform((value) => (value ? value : null)),
  confirm: z.literal('yes', { error: 'Tick the box to confirm that the person’s portal data is erased for good.' }),
});
export type ApproveErasureInput = z.infer<typeof ApproveErasureCommand>;

export const DeclineErasureCommand = z.object({
  note: note.min(1, 'Say why the request is declined: the person reads it.'),
});
export type DeclineErasureInput = z.infer<typeof DeclineErasureCommand>;

export const ErasureRequestsQuery = z.object({
  notice: z
    .unknown()
    .optional()
    .transform((value) => (value === 'approved' || value === 'declined' || value === 'decided' ? value : undefined)),
});
export type ErasureRequestsQueryInput = z.infer<typeof ErasureRequestsQuery>;
