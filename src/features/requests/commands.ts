// What the requests routes accept. A request form's schema is built on the server from the host's
// field definitions (formSchema), so what the host asks is what is checked, whatever the browser
// sent. Messages are keys of requests.json, shown in the reader's language.
import { z } from 'zod';
import { HostIdParam } from '../../core/index.ts';
import type { RequestAnswer, RequestField } from './port.ts';

const TEXT_MAX = 500;
const LONG_TEXT_MAX = 10_000;

const cursor = z
  .string()
  .max(400, 'requests:errors.page')
  .regex(/^[A-Za-z0-9_-]*$/, 'requests:errors.page')
  .optional();

export const MyRequestsQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100, 'requests:errors.search')
    .optional()
    .transform((q) => (q ? q : undefined)),
  after: cursor,
});
export type MyRequestsQueryInput = z.infer<typeof MyRequestsQuery>;

/** A host id (definition, request): whatever the host uses, within reason; the adapter decides if it is this client's. */
export const HostRequestId = HostIdParam;

export const AttachmentId = z.uuid();

/** The form's name of a field's input: prefixed, so no field of the host's can be `_csrf` or `attachments`. */
export const inputName = (field: Pick<RequestField, 'key'>) => `f_${field.key}`;
/** A choice of a multiple-choice field is a checkbox of its own (forms with files keep one value a name). */
export const choiceName = (field: Pick<RequestField, 'key'>, value: string) => `f_${field.key}__${value}`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^-?\d{1,12}(\.\d{1,4})?$/;

const isRealDate = (text: string) => {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
};

/** What one field's input sent, as the schema reads it: a string, the checked choices, or whether a box is ticked. */
function rawAnswer(field: RequestField, body: Record<string, unknown>): unknown {
  if (field.type === 'multiselect') {
    return (field.options ?? []).filter((option) => body[choiceName(field, option.value)] !== undefined).map((option) => option.value);
  }
  if (field.type === 'checkbox') return body[inputName(field)] !== undefined;
  const value = body[inputName(field)];
  return typeof value === 'string' ? value.trim() : value === undefined ? '' : value;
}

function fieldSchema(field: RequestField): z.ZodType<RequestAnswer | undefined> {
  const required = 'requests:errors.required';
  const optional = (schema: z.ZodType<RequestAnswer>) =>
    z.string().transform((text, ctx) => {
      if (text === '') {
        if (field.required) ctx.addIssue({ code: 'custom', message: required });
        return null;
      }
      const parsed = schema.safeParse(text);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
        return z.NEVER;
      }
      return parsed.data;
    });
  switch (field.type) {
    case 'text':
      return optional(z.string().max(TEXT_MAX, 'requests:errors.tooLong'));
    case 'textarea':
      return optional(z.string().max(LONG_TEXT_MAX, 'requests:errors.tooLong'));
    case 'select': {
      const values = (field.options ?? []).map((o) => o.value);
      return optional(z.string().refine((v) => values.includes(v), 'requests:errors.choice'));
    }
    case 'number':
      return optional(
        z
          .string()
          .regex(NUMBER, 'requests:errors.number')
          .transform(Number)
          .refine((n) => field.min == null || n >= field.min, 'requests:errors.range')
          .refine((n) => field.max == null || n <= field.max, 'requests:errors.range'),
      );
    case 'date':
      return optional(z.string().refine(isRealDate, 'requests:errors.date'));
    case 'multiselect':
      return z.array(z.string()).refine((list) => !field.required || list.length > 0, required);
    case 'checkbox':
      return z.boolean().refine((ticked) => !field.required || ticked, required);
    case 'file':
      // The files themselves come through the attachments form reader; their names are added after.
      return z.unknown().transform(() => undefined);
  }
}

/**
 * The schema of one definition's form: each field's answer by its key, checked as the host defines
 * it (required, choices, number bounds, real dates, lengths). The stored files come along as
 * `attachments` (receiveAttachmentsForm); a required file field needs at least one.
 */
export function formSchema(fields: readonly RequestField[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) shape[field.key] = fieldSchema(field);
  const fileRequired = fields.some((f) => f.type === 'file' && f.required);
  const fileKey = fields.find((f) => f.type === 'file')?.key;
  shape.attachments = z.array(z.unknown()).max(5).optional();
  return z.preprocess(
    (body) => {
      const sent = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      return { ...Object.fromEntries(fields.map((field) => [field.key, rawAnswer(field, sent)])), attachments: sent.attachments };
    },
    z.object(shape).superRefine((value, ctx) => {
      const files = Array.isArray(value.attachments) ? value.attachments : [];
      if (fileRequired && fileKey && files.length === 0) ctx.addIssue({ code: 'custom', path: [fileKey], message: 'requests:errors.file' });
    }),
  );
}

/** What the form's values are shown again as, when it comes back refused. */
export function typedValues(fields: readonly RequestField[], body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field.key, rawAnswer(field, body)]));
}
