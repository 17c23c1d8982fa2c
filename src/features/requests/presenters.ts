// View models for the requests pages: the catalogue by category, a definition's form with what was
// typed and each field's message, the list of the client's requests with their state as a chip,
// and a request's page (what was sent, the files, the history, the agency's answer and the
// proposal or quotation made in answer). Times in the reader's time zone.
import type { RequestI18n } from '../../core/index.ts';
import type { RequestAnswer, RequestDefinition, RequestDetail, RequestField, RequestFile, RequestState, RequestSummary } from './port.ts';
import { choiceName, inputName } from './commands.ts';
import type { PendingFileRow, RequestAttachmentRow } from './queries.ts';

/** The status chip's look for each state (views/partials/status-chip.ejs). */
const CHIP: Record<RequestState, string> = { submitted: 'open', inReview: 'awaiting', answered: 'done', closed: 'off' };

const requestUrl = (base: string, id: string) => `${base}/requests/mine/${encodeURIComponent(id)}`;
export const formUrl = (base: string, definitionId: string) => `${base}/requests/new/${encodeURIComponent(definitionId)}`;

function stateWords(i18n: RequestI18n, request: Pick<RequestSummary, 'state' | 'statusLabel'>) {
  return { chip: CHIP[request.state], stateLabel: i18n.t(`requests:state.${request.state}`), statusLabel: request.statusLabel };
}

/** A refused form's files, sent with it again: each with its size, and the ids for the form's hidden field. */
export function presentPendingFiles(i18n: RequestI18n, rows: readonly PendingFileRow[]) {
  return {
    ids: rows.map((row) => row.id).join(','),
    files: rows.map((row) => ({ id: row.id, name: row.filename, size: i18n.fmt.fileSize(Number(row.size_bytes)) })),
  };
}

/** The catalogue, in the host's order, grouped by the host's categories (uncategorised last). */
export function presentCatalogue(i18n: RequestI18n, base: string, definitions: RequestDefinition[]) {
  const groups = new Map<string, { name: string | null; items: ReturnType<typeof item>[] }>();
  const item = (definition: RequestDefinition) => ({
    id: definition.id,
    name: definition.name,
    description: definition.description,
    icon: definition.icon,
    quote: definition.kind === 'quote',
    kindLabel: i18n.t(`requests:kind.${definition.kind}`),
    url: formUrl(base, definition.id),
  });
  for (const definition of definitions) {
    const key = definition.category ?? '';
    if (!groups.has(key)) groups.set(key, { name: definition.category, items: [] });
    groups.get(key)!.items.push(item(definition));
  }
  return [...groups.values()].sort((a, b) => (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0));
}

/** A number field's bounds in the reader's numbers ("Zwischen 50 und 100.000."); null without bounds. */
function rangeText(i18n: RequestI18n, field: RequestField): string | null {
  if (field.type !== 'number') return null;
  const min = field.min ?? null;
  const max = field.max ?? null;
  if (min !== null && max !== null) return i18n.t('requests:form.between', { min: i18n.fmt.number(min), max: i18n.fmt.number(max) });
  if (min !== null) return i18n.t('requests:form.atLeast', { min: i18n.fmt.number(min) });
  if (max !== null) return i18n.t('requests:form.atMost', { max: i18n.fmt.number(max) });
  return null;
}

/** One input of the form, with what was typed and its message. */
export function presentFormFields(
  i18n: RequestI18n,
  fields: RequestField[],
  values: Record<string, unknown>,
  errors: Record<string, string>,
) {
  return fields.map((field) => {
    const value = values[field.key];
    return {
      key: field.key,
      domId: `request-${field.key}`,
      name: inputName(field),
      type: field.type,
      label: field.label,
      help: field.help,
      required: field.required,
      min: field.min ?? null,
      max: field.max ?? null,
      range: rangeText(i18n, field),
      value: typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '',
      checked: value === true,
      options: (field.options ?? []).map((option) => ({
        value: option.value,
        label: option.label,
        name: choiceName(field, option.value),
        selected: Array.isArray(value) ? value.includes(option.value) : value === option.value,
      })),
      error: errors[field.key] ?? null,
    };
  });
}

export function presentSummary(i18n: RequestI18n, base: string, request: RequestSummary) {
  return {
    id: request.id,
    ref: request.ref,
    title: request.title,
    kindLabel: i18n.t(`requests:kind.${request.kind}`),
    ...stateWords(i18n, request),
    submitted: i18n.fmt.dateTime(request.submittedAt),
    url: requestUrl(base, request.id),
  };
}

/** An answer in words: a choice by its label, a date as a day, a box as yes or no. */
function answerText(i18n: RequestI18n, field: RequestField, answer: RequestAnswer | undefined): string | null {
  if (answer === null || answer === undefined || answer === '') return null;
  const label = (value: string) => field.options?.find((o) => o.value === value)?.label ?? value;
  switch (field.type) {
    case 'checkbox':
      return i18n.t(answer === true ? 'requests:show.yes' : 'requests:show.no');
    case 'select':
      return label(String(answer));
    case 'multiselect':
      return Array.isArray(answer) && answer.length ? answer.map(label).join(', ') : null;
    case 'number':
      return typeof answer === 'number' ? i18n.fmt.number(answer) : String(answer);
    case 'date':
      return typeof answer === 'string' ? i18n.fmt.day(answer) : null;
    case 'file':
      return null;
    default:
      return String(answer);
  }
}

/** A request's page: its files are the portal's (attachments) and, where the host keeps them, the host's (hostFiles). */
export function presentDetail(
  i18n: RequestI18n,
  base: string,
  request: RequestDetail,
  attachments: RequestAttachmentRow[],
  hostFiles: RequestFile[] = [],
) {
  const url = requestUrl(base, request.id);
  const filesOf = (key: string) => [
    ...attachments
      .filter((row) => row.field_key === key)
      .map((row) => ({
        name: row.filename,
        size: i18n.fmt.fileSize(Number(row.size_bytes)),
        url: `${url}/files/${encodeURIComponent(row.id)}`,
      })),
    ...hostFiles
      .filter((file) => file.fieldKey === key)
      .map((file) => ({
        name: file.name,
        size: i18n.fmt.fileSize(file.sizeBytes),
        url: `${url}/files/${encodeURIComponent(file.id)}`,
      })),
  ];
  return {
    ...presentSummary(i18n, base, request),
    refreshUrl: url,
    answers: request.fields.map((field) => ({
      label: field.label,
      text: answerText(i18n, field, request.answers[field.key]),
      files: field.type === 'file' ? filesOf(field.key) : [],
    })),
    answer: request.answer,
    answeredAt: request.answeredAt ? i18n.fmt.dateTime(request.answeredAt) : null,
    history: request.history.map((change) => ({
      at: i18n.fmt.dateTime(change.at),
      ...stateWords(i18n, change),
    })),
    offer: request.offer
      ? {
          label: i18n.t(`requests:show.offer.${request.offer.kind}`, { number: request.offer.number }),
          url: `${base}/${request.offer.kind === 'proposal' ? 'proposals' : 'quotations'}/${encodeURIComponent(request.offer.id)}`,
        }
      : null,
  };
}
