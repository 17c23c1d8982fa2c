// The forms of the catalogue page (request types and booking hours kept in the portal, for a host
// without its own): each checked here, its messages keys of admin:catalogue.errors.
import { z } from 'zod';
import { checkboxField } from '../../core/index.ts';

const FIELD_TYPES = ['text', 'textarea', 'select', 'multiselect', 'number', 'date', 'checkbox', 'file'] as const;
type FieldType = (typeof FIELD_TYPES)[number];
const CHOICE_TYPES: readonly FieldType[] = ['select', 'multiselect'];
const MAX_QUESTIONS = 20;

export interface CatalogueField {
  key: string;
  type: FieldType;
  label: string;
  help: null;
  required: boolean;
  options?: { value: string; label: string }[];
}

/**
 * The form's questions, one a line: "Label | type | required | choice, choice" (required and the
 * choices optional; the choices for select and multiselect only). Keys q1, q2… by line.
 */
function parseQuestions(text: string): { fields: CatalogueField[] } | { error: string } {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length > MAX_QUESTIONS) return { error: 'admin:catalogue.errors.tooManyQuestions' };
  const fields: CatalogueField[] = [];
  for (const [index, line] of lines.entries()) {
    const [label = '', type = '', ...rest] = line.split('|').map((part) => part.trim());
    if (!label || label.length > 200) return { error: 'admin:catalogue.errors.question' };
    if (!(FIELD_TYPES as readonly string[]).includes(type)) return { error: 'admin:catalogue.errors.questionType' };
    const required = rest[0] === 'required';
    const choicesText = (required ? rest[1] : rest[0]) ?? '';
    const choices = choicesText
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const field: CatalogueField = { key: `q${index + 1}`, type: type as FieldType, label, help: null, required };
    if (CHOICE_TYPES.includes(field.type)) {
      if (choices.length === 0 || choices.length > 50 || choices.some((c) => c.length > 100))
        return { error: 'admin:catalogue.errors.choices' };
      field.options = choices.map((c, i) => ({ value: `c${i + 1}`, label: c }));
    }
    fields.push(field);
  }
  if (fields.filter((f) => f.type === 'file').length > 1) return { error: 'admin:catalogue.errors.oneFile' };
  return { fields };
}

/** The questions as the textarea shows them again. */
export function questionsText(
  fields: ReadonlyArray<{ type: string; label: string; required: boolean; options?: { label: string }[] }>,
): string {
  return fields
    .map((f) =>
      [f.label, f.type, ...(f.required ? ['required'] : []), ...(f.options?.length ? [f.options.map((o) => o.label).join(', ')] : [])].join(
        ' | ',
      ),
    )
    .join('\n');
}

export const RequestTypeCommand = z
  .object({
    name: z.string().trim().min(1, 'admin:catalogue.errors.name').max(120, 'admin:catalogue.errors.name'),
    description: z.string().trim().max(2000, 'admin:catalogue.errors.description').default(''),
    becomes: z.enum(['proposal', 'ticket'], { error: 'admin:catalogue.errors.becomes' }),
    ticketType: z.string().trim().max(32).optional(),
    questions: z.string().max(10_000, 'admin:catalogue.errors.tooManyQuestions').default(''),
    active: checkboxField,
  })
  .transform((form, ctx) => {
    const parsed = parseQuestions(form.questions);
    if ('error' in parsed) {
      ctx.addIssue({ code: 'custom', path: ['questions'], message: parsed.error });
      return z.NEVER;
    }
    return {
      name: form.name,
      description: form.description,
      becomes: form.becomes,
      ticketType: form.becomes === 'ticket' ? form.ticketType || null : null,
      fields: parsed.fields,
      active: form.active,
    };
  });
export type RequestTypeInput = z.infer<typeof RequestTypeCommand>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const timeField = z
  .string()
  .trim()
  .refine((v) => v === '' || TIME.test(v), 'admin:catalogue.errors.time')
  .default('');
const dayFields = Object.fromEntries(
  [1, 2, 3, 4, 5, 6, 7].flatMap((d) => [
    [`opens_${d}`, timeField],
    [`closes_${d}`, timeField],
  ]),
);
const validZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const CalendarHoursCommand = z
  .object({
    ...dayFields,
    timeZone: z
      .string()
      .trim()
      .min(1, 'admin:catalogue.errors.timeZone')
      .max(64, 'admin:catalogue.errors.timeZone')
      .refine(validZone, 'admin:catalogue.errors.timeZone'),
    minutes: z.coerce
      .number({ error: 'admin:catalogue.errors.minutes' })
      .int('admin:catalogue.errors.minutes')
      .min(15, 'admin:catalogue.errors.minutes')
      .max(480, 'admin:catalogue.errors.minutes'),
    noticeHours: z.coerce
      .number({ error: 'admin:catalogue.errors.notice' })
      .int('admin:catalogue.errors.notice')
      .min(0, 'admin:catalogue.errors.notice')
      .max(720, 'admin:catalogue.errors.notice'),
    horizonDays: z.coerce
      .number({ error: 'admin:catalogue.errors.horizon' })
      .int('admin:catalogue.errors.horizon')
      .min(1, 'admin:catalogue.errors.horizon')
      .max(365, 'admin:catalogue.errors.horizon'),
  })
  .transform((form, ctx) => {
    const values = form as Record<string, unknown>;
    const spans: { weekday: number; opens: string; closes: string }[] = [];
    for (let weekday = 1; weekday <= 7; weekday++) {
      const opens = String(values[`opens_${weekday}`] ?? '');
      const closes = String(values[`closes_${weekday}`] ?? '');
      if (!opens && !closes) continue;
      if (!opens || !closes || opens >= closes) {
        ctx.addIssue({ code: 'custom', path: [`opens_${weekday}`], message: 'admin:catalogue.errors.span' });
        return z.NEVER;
      }
      spans.push({ weekday, opens, closes });
    }
    return { spans, timeZone: form.timeZone, minutes: form.minutes, noticeMinutes: form.noticeHours * 60, horizonDays: form.horizonDays };
  });
export type CalendarHoursInput = z.infer<typeof CalendarHoursCommand>;

export const CatalogueIdParam = z.string().regex(/^[1-9]\d{0,17}$/);

export const CatalogueQuery = z.object({
  notice: z
    .unknown()
    .optional()
    .transform((value) => (value === 'created' || value === 'saved' || value === 'hours' ? value : undefined)),
});
export type CatalogueQueryInput = z.infer<typeof CatalogueQuery>;
