// Form input → typed command, with zod at the edge. Each field helper carries its own
// human-readable messages, so a failed parse can be shown to staff as is.
import { z } from 'zod';
import { hasInvisibleFormatting } from '../../../src/index.ts';

export interface FieldError {
  /** Matches the id of the input, e.g. `name` or `items-1-unitPrice`, so the summary can link to it. */
  field: string;
  message: string;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
const MAX_LINE_ITEMS = 10;
const MAX_INT4 = 2_147_483_647;

const missingAsEmpty = (value: unknown) => (value === undefined || value === null ? '' : value);
const lower = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);

export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    let field = path.length > 0 ? path.join('-') : 'form';
    let message = issue.message;
    if (path[0] === 'items') {
      if (path.length >= 3) message = `Line ${Number(path[1]) + 1}: ${lower(message)}`;
      else field = 'items-0-description';
    }
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message });
  }
  return errors;
}

// C0 control characters but tab, line feed and carriage return: PostgreSQL refuses a NUL in text
// (a 500), and nobody types the others. Every form passes parseForm, so it refuses them for all.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const CONTROL_CHARACTERS_MESSAGE = 'This field holds invisible control characters that cannot be saved. Remove them and try again.';

/** The fields (ids like `items-1-description`) whose text holds a control character. */
function controlCharacterErrors(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (typeof node === 'string') {
      if (CONTROL_CHARACTER.test(node)) errors.push({ field: path.join('-') || 'form', message: CONTROL_CHARACTERS_MESSAGE });
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, [...path, String(index)]);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (CONTROL_CHARACTER.test(key)) errors.push({ field: path.join('-') || 'form', message: CONTROL_CHARACTERS_MESSAGE });
        else walk(item, [...path, key]);
      }
    }
  };
  walk(input, []);
  return errors.slice(0, 20);
}

export function parseForm<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.output<S>> {
  const refused = controlCharacterErrors(input);
  const result = schema.safeParse(input ?? {});
  if (result.success && refused.length === 0) return { ok: true, data: result.data };
  const fields = new Set(refused.map((error) => error.field));
  return {
    ok: false,
    errors: [...refused, ...(result.success ? [] : issuesToErrors(result.error.issues).filter((error) => !fields.has(error.field)))],
  };
}

function text(label: string, max: number) {
  return z
    .string({ error: `${label} must be text.` })
    .trim()
    .max(max, { error: `${label} must be ${max} characters or fewer.` });
}

/** `missing` is the message for an empty field; it defaults to "Enter <label>.". */
export function requiredText(label: string, max: number, missing = `Enter ${lower(label)}.`) {
  return z.preprocess(missingAsEmpty, text(label, max).min(1, { error: missing }));
}

/**
 * A name staff type that the client portal shows to clients and colleagues: the portal's own rule
 * refuses bidi controls and zero-width characters, which could reverse what follows the name or
 * make two names look alike.
 */
export function nameText(label: string, max: number, missing: string) {
  return z.preprocess(
    missingAsEmpty,
    text(label, max)
      .min(1, { error: missing })
      .refine((name) => !hasInvisibleFormatting(name), {
        error: `${label} cannot hold invisible characters such as direction marks or zero-width spaces.`,
      }),
  );
}

/** Empty becomes null. */
export function optionalText(label: string, max: number) {
  return z.preprocess(missingAsEmpty, text(label, max)).transform((value) => (value === '' ? null : value));
}

/** Empty stays ''. For long free text such as notes. */
export function freeText(label: string, max: number) {
  return z.preprocess(missingAsEmpty, text(label, max));
}

export function emailField(label = 'Email address') {
  return z.preprocess(
    missingAsEmpty,
    text(label, 320)
      .min(1, { error: 'Enter an email address.' })
      .pipe(z.email({ error: 'Enter an email address like name@example.com.' }))
      .transform((value) => value.toLowerCase()),
  );
}

/** http(s) only, so a stored website can be shown as a link safely. Empty becomes null. */
export function websiteField(label = 'Website') {
  return optionalText(label, 300).refine((value) => value === null || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(value), {
    error: `Enter ${lower(label)} starting with https:// or http://.`,
  });
}

/** A record chosen from a list: a positive integer id. */
export function idField(missing: string) {
  return z.preprocess(
    missingAsEmpty,
    z
      .string({ error: missing })
      .regex(/^[1-9][0-9]{0,9}$/, { error: missing })
      .transform(Number)
      .refine((id) => id <= MAX_INT4, { error: missing }),
  );
}

export function optionalIdField(invalid: string) {
  return z.preprocess(
    missingAsEmpty,
    z
      .string({ error: invalid })
      .regex(/^([1-9][0-9]{0,9})?$/, { error: invalid })
      .transform((value) => (value === '' ? null : Number(value)))
      .refine((id) => id === null || id <= MAX_INT4, { error: invalid }),
  );
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** 'YYYY-MM-DD' (what <input type="date"> sends). */
export function dateField(label: string) {
  return z.preprocess(
    missingAsEmpty,
    z
      .string({ error: `Enter the ${lower(label)}.` })
      .trim()
      .min(1, { error: `Enter the ${lower(label)}.` })
      .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && isCalendarDate(value), {
        error: `Enter the ${lower(label)} as a real date, for example 2026-03-31.`,
      }),
  );
}

export function optionalDateField(label: string) {
  return z.preprocess(
    missingAsEmpty,
    z
      .string({ error: `Enter the ${lower(label)} as a date.` })
      .trim()
      .refine((value) => value === '' || (/^\d{4}-\d{2}-\d{2}$/.test(value) && isCalendarDate(value)), {
        error: `Enter the ${lower(label)} as a real date, for example 2026-03-31.`,
      })
      .transform((value) => (value === '' ? null : value)),
  );
}

export function choiceField<const T extends readonly [string, ...string[]]>(values: T, missing: string) {
  return z.preprocess(missingAsEmpty, z.enum(values, { error: missing }));
}

export const currencyField = () => choiceField(CURRENCIES, 'Choose a currency: USD, EUR or GBP.');

/** A checkbox: present ("on") or absent. */
export const checkboxField = () => z.preprocess((value) => value === 'on' || value === 'true' || value === '1', z.boolean());

/** "1,250.00", "$ 80" or "19.5" → integer cents, without floating-point rounding. */
function parseMoneyToCents(input: string): number | null {
  const cleaned = input.replace(/[\s,$€£]/g, '');
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  const cents = whole * 100 + fraction;
  return Number.isSafeInteger(cents) ? cents : null;
}

export function moneyField(label: string, options: { allowZero?: boolean; missing?: string } = {}) {
  const missing = options.missing ?? `Enter the ${lower(label)}.`;
  return z.preprocess(
    missingAsEmpty,
    z
      .string({ error: missing })
      .trim()
      .min(1, { error: missing })
      .transform((value, ctx) => {
        const cents = parseMoneyToCents(value);
        if (cents === null) {
          ctx.issues.push({ code: 'custom', input: value, message: `${label} must be a number, for example 1250.00.` });
          return z.NEVER;
        }
        if (cents === 0 && !options.allowZero) {
          ctx.issues.push({ code: 'custom', input: value, message: `${label} must be more than zero.` });
          return z.NEVER;
        }
        return cents;
      }),
  );
}

const quantityField = z.preprocess(
  (value) => (value === undefined || value === null || value === '' ? '1' : value),
  z
    .string({ error: 'Enter the quantity.' })
    .trim()
    .regex(/^\d{1,7}(\.\d{1,2})?$/, { error: 'Enter the quantity as a number with up to two decimals, for example 1 or 2.5.' })
    .transform(Number)
    .refine((value) => value > 0, { error: 'Quantity must be more than zero.' }),
);

const lineItem = z
  .object({
    description: requiredText('Description', 500, 'Enter a description.'),
    quantity: quantityField,
    unitPrice: moneyField('Unit price', { allowZero: true, missing: 'Enter a unit price.' }),
  })
  .transform((row) => ({ description: row.description, quantity: row.quantity, unitPriceCents: row.unitPrice }));

export type LineItemForm = z.output<typeof lineItem>;

export interface RawLineItem {
  description: string;
  quantity: string;
  unitPrice: string;
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The rows as submitted (`items[0][description]`...), padded to `rows` for redisplay. qs gives an
 * array, or an object keyed by index for sparse rows; both are accepted.
 */
export function rawLineItems(input: unknown, rows = 5): RawLineItem[] {
  const list: unknown[] = Array.isArray(input)
    ? input
    : input && typeof input === 'object'
      ? Object.entries(input)
          .filter(([key]) => /^\d+$/.test(key))
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, value]) => value)
      : [];
  const result = list.slice(0, MAX_LINE_ITEMS).map((row) => {
    const r = row && typeof row === 'object' ? (row as Record<string, unknown>) : {};
    return { description: asString(r.description), quantity: asString(r.quantity), unitPrice: asString(r.unitPrice) };
  });
  while (result.length < rows) result.push({ description: '', quantity: '', unitPrice: '' });
  return result;
}

/** Line items from a few rows of inputs. Fully blank rows are skipped; at least one is required. */
export const lineItemsField = z
  .preprocess(
    (input) =>
      rawLineItems(input, 0).map((row) =>
        row.description.trim() === '' && row.quantity.trim() === '' && row.unitPrice.trim() === '' ? null : row,
      ),
    z.array(lineItem.nullable()),
  )
  .transform((rows) => rows.filter((row): row is LineItemForm => row !== null))
  .refine((rows) => rows.length > 0, { error: 'Add at least one line item with a description and a unit price.' });
