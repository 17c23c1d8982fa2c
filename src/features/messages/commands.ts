// The messages pages' inputs, one schema per action. Messages keep what was typed (line breaks
// included); only the length and emptiness are checked. Error messages are i18n keys: the handler
// translates them in the reader's language.
import { z } from 'zod';
import { HostIdParam } from '../../core/index.ts';
import { MESSAGE_MAX_LENGTH } from './service.ts';

const body = z
  .string({ error: 'messages:errors.bodyRequired' })
  .transform((text) => text.replace(/\r\n?/g, '\n'))
  .refine((text) => text.trim().length > 0, 'messages:errors.bodyRequired')
  .refine((text) => text.length <= MESSAGE_MAX_LENGTH, 'messages:errors.bodyTooLong');

export const SendMessageCommand = z.object({ body, attachments: z.array(z.unknown()).max(5).optional() });
export type SendMessageInput = z.infer<typeof SendMessageCommand>;

export const MessageEmailsCommand = z.object({ messageEmails: z.enum(['on', 'off'], { error: 'messages:errors.choice' }) });
export type MessageEmailsInput = z.infer<typeof MessageEmailsCommand>;

export const AssignCommand = z.object({
  staffId: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/, 'messages:errors.choice'),
});
export type AssignInput = z.infer<typeof AssignCommand>;

export const EmptyCommand = z.object({});

/** The staff inbox's client search: absent, nothing is searched; empty, the first clients by name. */
export const InboxQuery = z.object({ q: z.string().trim().max(100, "Search for at most 100 characters of a client's name.").optional() });
export type InboxQueryInput = z.infer<typeof InboxQuery>;

export const AttachmentIdParam = z.string().regex(/^\d{1,18}$/);
export const ClientIdParam = HostIdParam;
