// The CRM's request forms as it keeps them (request_definitions.fields, and the copy each request
// keeps of the form it answered): a JSON list of fields, read field by field so one the CRM cannot
// read (an unknown type, a key twice) is left out rather than break the form. The portal's binding
// and the CRM's own staff pages read them the same way.
import { z } from 'zod';
import type { RequestField } from '../../src/index.ts';
import { inLanguage } from './in-language.ts';

/** A label in other languages, by language code ({"de": "Menge"}); the label where the reader's is missing. */
const Labels = z.record(z.string(), z.string().max(200)).optional().catch(undefined);

/** The JSON the CRM keeps a form in (request_definitions.fields); a field it cannot read is left out. */
const FieldJson = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  type: z.enum(['text', 'textarea', 'select', 'multiselect', 'number', 'date', 'checkbox', 'file']),
  label: z.string().min(1).max(200),
  labels: Labels,
  help: z.string().max(500).nullish(),
  /** The help line in other languages, as `labels`. */
  helps: Labels,
  required: z.boolean().default(false),
  options: z.array(z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(200), labels: Labels })).optional(),
  min: z.number().nullish(),
  max: z.number().nullish(),
});

export type StoredField = z.output<typeof FieldJson>;

/** The fields the CRM can read, as it keeps them (with their translations), for its own form. */
export function storedFields(json: unknown): StoredField[] {
  if (!Array.isArray(json)) return [];
  const fields: StoredField[] = [];
  for (const item of json) {
    const parsed = FieldJson.safeParse(item);
    if (parsed.success && !fields.some((f) => f.key === parsed.data.key)) fields.push(parsed.data);
  }
  return fields;
}

/** The form as the portal reads it, its labels in the reader's `languages` where kept. */
export function parseFields(json: unknown, languages: readonly string[] = []): RequestField[] {
  const fields: RequestField[] = [];
  for (const field of storedFields(json)) {
    const { help, helps, min, max, options, labels, label, ...rest } = field;
    fields.push({
      ...rest,
      label: inLanguage(label, labels, languages),
      help: help ? inLanguage(help, helps, languages) : null,
      ...(options ? { options: options.map((o) => ({ value: o.value, label: inLanguage(o.label, o.labels, languages) })) } : {}),
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    });
  }
  return fields;
}
