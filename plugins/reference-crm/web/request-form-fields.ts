// The fields of a request's form as staff edit them on the catalogue's page: one group of inputs a
// field (its label, type, whether it must be answered, the choices of a list, a help line; label,
// choices and help in German and French too) and a few empty groups to add one. A group left empty
// is no field; a field keeps its key (the answers' key) while it is edited, a new one gets a key
// from its label. Read back into the JSON the CRM keeps (request_definitions.fields).
import { hasInvisibleFormatting } from '../../../src/index.ts';
import type { StoredField } from '../request-fields.ts';
import type { FieldError } from './forms.ts';
import { OTHER_LANGUAGES } from './translated-names.ts';

export const FIELD_TYPES = [
  { value: 'text', label: 'Short text' },
  { value: 'textarea', label: 'Long text' },
  { value: 'select', label: 'One choice from a list' },
  { value: 'multiselect', label: 'Several choices from a list' },
  { value: 'number', label: 'Number' },
  { value: 'date', label: 'Date' },
  { value: 'checkbox', label: 'Yes or no (a box to tick)' },
  { value: 'file', label: 'File' },
] as const;
type FieldType = (typeof FIELD_TYPES)[number]['value'];

const MAX_FIELDS = 20;
const MAX_OPTIONS = 30;
const BLANK_ROWS = 2;
const TEXTS = ['label', 'labelDe', 'labelFr', 'options', 'optionsDe', 'optionsFr', 'help', 'helpDe', 'helpFr'] as const;

/** One field's inputs as sent, or as stored for the form. */
export type RawField = Record<(typeof TEXTS)[number] | 'key' | 'type' | 'required', string>;

const blankRow = (): RawField => ({
  key: '',
  type: 'text',
  required: '',
  ...(Object.fromEntries(TEXTS.map((name) => [name, ''])) as Record<(typeof TEXTS)[number], string>),
});
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** The stored form as groups of inputs, and the empty groups to add fields with. */
export function rowsOfFields(fields: readonly StoredField[]): RawField[] {
  const rows = fields.map((field) => ({
    key: field.key,
    type: field.type,
    required: field.required ? 'on' : '',
    label: field.label,
    labelDe: field.labels?.de ?? '',
    labelFr: field.labels?.fr ?? '',
    options: (field.options ?? []).map((o) => o.label).join('\n'),
    optionsDe: (field.options ?? []).map((o) => o.labels?.de ?? '').join('\n'),
    optionsFr: (field.options ?? []).map((o) => o.labels?.fr ?? '').join('\n'),
    help: field.help ?? '',
    helpDe: field.helps?.de ?? '',
    helpFr: field.helps?.fr ?? '',
  }));
  return [...rows, ...Array.from({ length: BLANK_ROWS }, blankRow)];
}

/** The groups as sent (`fields[0][label]` …; qs gives an array, or an object by index), at most MAX_FIELDS + BLANK_ROWS. */
export function rawRows(input: unknown): RawField[] {
  const list: unknown[] = Array.isArray(input)
    ? input
    : input && typeof input === 'object'
      ? Object.entries(input)
          .filter(([key]) => /^\d+$/.test(key))
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, value]) => value)
      : [];
  return list.slice(0, MAX_FIELDS + BLANK_ROWS).map((row) => {
    const r = row && typeof row === 'object' ? (row as Record<string, unknown>) : {};
    const raw = blankRow();
    for (const name of [...TEXTS, 'key', 'type', 'required'] as const) raw[name] = text(r[name]);
    return raw;
  });
}

/** A key for the answers from a label: "Needed by" → needed_by; one that has no letters to give → field. */
function keyFrom(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 32);
  return slug || 'field';
}

function unique(wanted: string, taken: Set<string>): string {
  let key = wanted;
  for (let n = 2; taken.has(key); n++) key = `${wanted.slice(0, 36)}_${n}`;
  taken.add(key);
  return key;
}

const translations = (row: RawField, name: 'label' | 'help') => {
  const kept: Record<string, string> = {};
  for (const language of OTHER_LANGUAGES) {
    const value = row[`${name}${language.suffix}`].trim();
    if (value) kept[language.code] = value;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
};

/**
 * The form's fields from the groups sent, checked: each field's label, its type, a list's choices;
 * `before` is the form as stored, whose keys, choice values and number bounds an edited field keeps.
 */
export function parseFieldRows(
  input: unknown,
  before: readonly StoredField[],
): { ok: true; fields: StoredField[] } | { ok: false; errors: FieldError[] } {
  const rows = rawRows(input);
  const errors: FieldError[] = [];
  const fields: StoredField[] = [];
  const keys = new Set<string>();
  const stored = new Map(before.map((field) => [field.key, field]));
  for (const [index, row] of rows.entries()) {
    const at = (name: string) => `fields-${index}-${name}`;
    const say = (name: string, message: string) => errors.push({ field: at(name), message: `Field ${index + 1}: ${message}` });
    if (TEXTS.every((name) => row[name].trim() === '')) continue;
    if (fields.length >= MAX_FIELDS) {
      say('label', `a form holds at most ${MAX_FIELDS} fields.`);
      break;
    }
    const label = row.label.trim();
    if (!label) say('label', 'enter its label, as the client reads it, or empty the whole field to leave it out.');
    else if (label.length > 200) say('label', 'write its label in 200 characters or fewer.');
    for (const name of TEXTS) {
      if (hasInvisibleFormatting(row[name])) say(name, 'it cannot hold invisible characters such as direction marks or zero-width spaces.');
      else if (name !== 'options' && !name.startsWith('options') && row[name].length > 500)
        say(name, 'write 500 characters or fewer in each box.');
    }
    const type = FIELD_TYPES.find((t) => t.value === row.type)?.value as FieldType | undefined;
    if (!type) {
      say('type', 'choose its type from the list.');
      continue;
    }
    const previous = stored.get(row.key);
    const key = unique(previous ? previous.key : keyFrom(label), keys);
    const field: StoredField = { key, type, label, required: row.required === 'on' };
    const labels = translations(row, 'label');
    if (labels) field.labels = labels;
    if (row.help.trim()) {
      field.help = row.help.trim();
      const helps = translations(row, 'help');
      if (helps) field.helps = helps;
    }
    if (type === 'select' || type === 'multiselect') {
      const choices = lines(row.options);
      const others = OTHER_LANGUAGES.map((language) => ({
        language,
        lines: row[`options${language.suffix}`].split(/\r?\n/).map((l) => l.trim()),
      }));
      if (choices.length === 0) say('options', 'a list needs its choices: write one a line.');
      else if (choices.length > MAX_OPTIONS) say('options', `a list holds at most ${MAX_OPTIONS} choices.`);
      else if (choices.some((choice) => choice.length > 200)) say('options', 'write each choice in 200 characters or fewer.');
      else if (new Set(choices).size !== choices.length) say('options', 'each choice may be in the list once.');
      for (const other of others)
        if (other.lines.filter((l) => l !== '').length > choices.length)
          say(
            `options${other.language.suffix}`,
            `write as many choices in ${other.language.label} as in the list above, or fewer: one a line, in its order.`,
          );
      const values = new Set<string>();
      field.options = choices.map((choice, i) => {
        const kept = previous?.options?.find((o) => o.label === choice);
        const option: NonNullable<StoredField['options']>[number] = {
          value: unique(kept?.value ?? keyFrom(choice), values),
          label: choice,
        };
        const optionLabels = Object.fromEntries(
          others.filter((o) => (o.lines[i] ?? '') !== '').map((o) => [o.language.code, o.lines[i]!.slice(0, 200)]),
        );
        if (Object.keys(optionLabels).length > 0) option.labels = optionLabels;
        return option;
      });
    }
    if (type === 'number' && previous?.type === 'number') {
      if (previous.min !== undefined) field.min = previous.min;
      if (previous.max !== undefined) field.max = previous.max;
    }
    fields.push(field);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, fields };
}
