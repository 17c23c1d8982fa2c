// What the staff pages of approvals the portal keeps accept: sharing a piece of work (a client of
// the host, a title, a message and a file) and sharing its next version (a message and a file).
// The file arrives parsed by staff-uploads.ts, its type read from its bytes; the schema says what
// is wrong with it. Messages are keys of approvals.json, shown in the staff member's language.
import { z } from 'zod';
import type { SharedFile } from './staff-uploads.ts';

const MESSAGE_MAX = 4000;

const sharedFile = z.custom<SharedFile | undefined>().superRefine((file, ctx) => {
  if (!file || file.size === 0) ctx.addIssue({ code: 'custom', message: 'approvals:staff.errors.file' });
  else if (file.tooLarge) ctx.addIssue({ code: 'custom', message: 'approvals:staff.errors.fileSize' });
  else if (!file.contentType) ctx.addIssue({ code: 'custom', message: 'approvals:staff.errors.fileType' });
});

const message = z
  .string()
  .trim()
  .max(MESSAGE_MAX, 'approvals:staff.errors.message')
  .optional()
  .transform((text) => text ?? '');

/** Version 1 of a new piece of work. */
export const ShareCommand = z.object({
  clientId: z
    .string({ error: 'approvals:staff.errors.client' })
    .trim()
    .min(1, 'approvals:staff.errors.client')
    .max(64, 'approvals:staff.errors.client'),
  title: z
    .string({ error: 'approvals:staff.errors.title' })
    .trim()
    .min(1, 'approvals:staff.errors.title')
    .max(200, 'approvals:staff.errors.title'),
  message,
  file: sharedFile,
});
export type ShareInput = z.infer<typeof ShareCommand> & { file: SharedFile & { contentType: string } };

/** The next version of a piece of work. */
export const NextVersionCommand = z.object({ message, file: sharedFile });
export type NextVersionInput = z.infer<typeof NextVersionCommand> & { file: SharedFile & { contentType: string } };

/** The staff list: a page after a cursor, and the notice after a redirect (a fixed key). */
export const StaffApprovalsQuery = z.object({
  after: z
    .string()
    .max(400, 'approvals:errors.page')
    .regex(/^[A-Za-z0-9_-]*$/, 'approvals:errors.page')
    .optional(),
});
export type StaffApprovalsQueryInput = z.infer<typeof StaffApprovalsQuery>;

export const StaffApprovalQuery = z.object({
  notice: z.enum(['shared', 'version'], { error: 'approvals:errors.page' }).optional(),
});
export type StaffApprovalQueryInput = z.infer<typeof StaffApprovalQuery>;
