// What the documents routes accept: the list's filter, search and cursor, and ids in the path.
import { z } from 'zod';
import { searchField, HostIdParam, hostCursorField } from '../../core/index.ts';

const RECORD = /^(proposal|quotation|invoice|project):[A-Za-z0-9_-]{1,64}$/;

export const DocumentsQuery = z.object({
  record: z
    .string()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || RECORD.test(value), 'Choose a record from the list.'),
  /** Searches the shared documents and the client's uploads by file name. */
  q: searchField,
  after: hostCursorField.optional(),
  /** The notice after a redirect: a fixed key, never text from the address. */
  done: z.enum(['uploaded', 'deleted']).optional().catch(undefined),
});
export type DocumentsQueryInput = z.infer<typeof DocumentsQuery>;

/** A host document id: whatever the host uses, within reason; the adapter decides if it exists. */
export const HostDocumentId = HostIdParam;
export const UploadId = z.uuid();
