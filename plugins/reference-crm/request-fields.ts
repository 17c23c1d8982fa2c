// The CRM's request forms as it keeps them (request_definitions.fields, and the copy each request
// keeps of the form it answered): a JSON list of fields, read field by field so one the CRM cannot
// read (an unknown type, a key twice) is left out rather than break the form. The portal's binding
// and the CRM's own staff pages read them the same way.
import { z } from 'zod';
import type { RequestField } from '../../src/index.ts';

/** The JSON the CRM keeps a form in (request_definitions.fields); a field it cannot read is left out. */
const FieldJson = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  type: z.enum(['text', 'textarea', 'select', 'multiselect', 'number', 'date', 'checkbox', 'file']),
  label: z.string().min(1).max(200),
  help: z.string().max(500).nullish(),
  required: z.boolean().default(false),
  options: z.array(z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(200) })).optional(),
  min: z.number().nullish(),
  max: z.number().nullish(),
});

export function parseFields(json: unknown): RequestField[] {
  if (!Array.isArray(json)) return [];
  const fields: RequestField[] = [];
  for (const item of json) {
    const parsed = FieldJson.safeParse(item);
    if (!parsed.success || fields.some((f) => f.key === parsed.data.key)) continue;
    const { help, min, max, options, ...rest } = parsed.data;
    fields.push({
      ...rest,
      help: help ?? null,
      ...(options ? { options } : {}),
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    });
  }
  return fields;
}
