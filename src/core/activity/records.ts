// What an activity entry is about, in the reader's words: "Proposal PR-2026-004 'Website redesign'",
// the document's file name, the task's title, a comment's first words. Everything comes from the
// entry's own details, written with the entry (see the handlers that log), so a list of entries
// names its records without a query per entry; older entries without a title or number say less.
import type { Formatters } from '../i18n/formatters.ts';
import type { Translate } from '../i18n/translations.ts';
import type { ActivityRow } from './queries.ts';

export type RecordKind = 'proposal' | 'quotation' | 'invoice';

const str = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : null;
const isKind = (value: unknown): value is RecordKind => value === 'proposal' || value === 'quotation' || value === 'invoice';
const quoted = (text: string) => `'${text}'`;

/** The proposal, quotation or invoice an entry is about, with its number and title; null for any other entry. */
export function recordOf(
  row: Pick<ActivityRow, 'event' | 'details'>,
): { kind: RecordKind; id: string; number: string | null; title: string | null } | null {
  const d = (row.details ?? {}) as Record<string, unknown>;
  const invoiceId = str(d.invoiceId);
  const offerId = str(d.offerId);
  const subjectId = str(d.subjectId);
  let kind: RecordKind | null = null;
  let id: string | null = null;
  if (invoiceId) [kind, id] = ['invoice', invoiceId];
  else if (offerId && isKind(d.kind)) [kind, id] = [d.kind, offerId];
  else if (subjectId && isKind(d.kind)) [kind, id] = [d.kind, subjectId];
  else if (subjectId && isKind(d.subjectType)) [kind, id] = [d.subjectType, subjectId];
  if (!kind || !id) return null;
  return { kind, id, number: str(d.invoiceNumber) ?? str(d.number), title: str(d.title) };
}

/** "Invoice INV-0002", "Angebot PRO-0001 'Website redesign'": the kind in the reader's language. */
function recordName(record: NonNullable<ReturnType<typeof recordOf>>, t: Translate): string {
  return [t(`staff:recordKinds.${record.kind}`), record.number ?? '', record.title ? quoted(record.title) : ''].filter(Boolean).join(' ');
}

/** What the entry is about, named; null when it is about the client's account alone (a sign-in). */
export function subjectNameOf(
  row: Pick<ActivityRow, 'event' | 'details'>,
  t: Translate,
  fmt: Pick<Formatters, 'dateTime' | 'number'>,
): string | null {
  const d = (row.details ?? {}) as Record<string, unknown>;
  const record = recordOf(row);
  switch (row.event) {
    case 'comment.added': {
      const excerpt = str(d.excerpt);
      // A request's thread: the request by its ref and title, as the request's own entries name it.
      const request =
        d.subjectType === 'request'
          ? [t('staff:recordKinds.request'), str(d.number), str(d.title) ? quoted(str(d.title)!) : null].filter(Boolean).join(' ')
          : null;
      const named = record ? recordName(record, t) : request;
      const on = named ? t('staff:recordKinds.commentOn', { record: named }) : null;
      return [excerpt ? `“${excerpt}”` : null, on].filter(Boolean).join(' ') || null;
    }
    case 'document.uploaded':
    case 'document.downloaded':
    case 'document.deleted':
      return str(d.name);
    // A ticket by the ref the client and the agency both quote, and its subject.
    case 'ticket.opened':
    case 'ticket.replied':
    case 'ticket.closed':
    case 'ticket.reopened':
    case 'request.submitted': {
      const ref = str(d.ref);
      const title = str(d.title);
      return [ref, title ? quoted(title) : null].filter(Boolean).join(' ') || null;
    }
    // A survey's answer: the ticket, and the rating out of the survey's scale (5 where it was not logged).
    case 'ticket.rated': {
      const ref = str(d.ref);
      const title = str(d.title);
      const rating =
        typeof d.rating === 'number'
          ? t('staff:recordKinds.rating', { rating: d.rating, scale: typeof d.scale === 'number' ? d.scale : 5 })
          : null;
      return [ref, title ? quoted(title) : null, rating].filter(Boolean).join(' ') || null;
    }
    // An appointment by its service and when it starts: kept in UTC in the log, said in the
    // reader's language and time zone (their formatters), as their pages say every time.
    case 'appointment.requested':
    case 'appointment.cancelled':
    case 'appointment.rescheduled': {
      const service = str(d.service);
      const startsAt = str(d.startsAt);
      const at = startsAt && !Number.isNaN(Date.parse(startsAt)) ? fmt.dateTime(startsAt) : startsAt;
      return [service ? quoted(service) : null, at].filter(Boolean).join(' ') || null;
    }
    // Work shared for approval: its title and the version decided.
    case 'approval.approved':
    case 'approval.changes_requested': {
      const title = str(d.title);
      const version = str(d.version);
      return [title ? quoted(title) : null, version ? `v${version}` : null].filter(Boolean).join(' ') || null;
    }
    // The company's details: each field that changed, old → new, as the host kept and keeps it.
    case 'company.details_changed': {
      const changes = Array.isArray(d.changes) ? (d.changes as Array<Record<string, unknown>>) : [];
      const said = changes
        .map((c) => {
          const field = str(c.field);
          if (!field) return null;
          return `${t(`activityEvents:companyFields.${field}`)}: ${str(c.from) ?? '—'} → ${str(c.to) ?? '—'}`;
        })
        .filter(Boolean);
      return said.length ? said.join('; ') : null;
    }
    // An ask for more hours: the contract and line, and how many hours, in the reader's numbers.
    case 'contract.hours_requested':
    case 'contract.hours_withdrawn':
    case 'contract.hours_answered': {
      const title = str(d.title);
      const hours = typeof d.hours === 'number' ? t('staff:recordKinds.hours', { count: d.hours, number: fmt.number(d.hours) }) : null;
      return [title ? quoted(title) : null, hours].filter(Boolean).join(' ') || null;
    }
    // An order asked for again: the order's number, and the draft's the host made of it.
    case 'order.reordered': {
      const number = str(d.number);
      const draft = str(d.draftNumber);
      return [number, draft ? `→ ${draft}` : null].filter(Boolean).join(' ') || null;
    }
    case 'task.completed':
    case 'task.reopened': {
      const title = str(d.title);
      return title ? quoted(title) : null;
    }
    // A client admin's change to a colleague: the colleague, and the new role where there is one.
    case 'team.invited':
    case 'team.disabled':
    case 'team.colleague_requested':
    case 'team.colleague_added':
    case 'team.colleague_declined':
      return str(d.colleagueEmail);
    case 'team.role_changed': {
      const colleague = str(d.colleagueEmail);
      const role = str(d.roleName);
      return colleague && role ? `${colleague} → ${role}` : colleague;
    }
    default:
      return record ? recordName(record, t) : null;
  }
}
