// ServiceRequestsPort on Dolibarr. Dolibarr keeps no catalogue of requests, so the agency defines
// request types in the portal's settings (queries/requests.ts): each a form and what a request
// becomes in Dolibarr, a draft proposal (quote) or a ticket of a chosen type (general). The request
// and its link stay in the portal; where it stands is read live from the record it became:
//   proposal fk_statut 0 draft → submitted; 1 validated → answered (the proposal, linked both ways,
//     is then in the client's proposals); 2 signed, 4 billed → closed "Signed"; 3 → closed "Not
//     signed"; -1 → closed "Canceled"; deleted in Dolibarr → closed "Withdrawn".
//   ticket 0 not read → submitted; 1 read, 2 assigned, 3 in progress, 7 on hold → inReview;
//     5 need more information → answered; 8 closed, 9 canceled → closed; an agency message on it
//     (TICKET_MSG by an internal user) is the answer, and makes an open ticket answered.
// The client's files, where the portal's process may write Dolibarr's data root, are documents of
// the proposal or ticket (ticket-uploads.ts writeRecordFiles), written with it; the request's
// answer for a file field holds the names they were kept under, which files() reads them back by.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { RequestDetail, RequestField, RequestFile, RequestState, RequestSummary, ServiceRequestsPort } from '../../src/index.ts';
import { clampLimit, decodeCursor, encodeCursor } from '../../src/index.ts';
import { recordAgendaEvent } from './queries/agenda.ts';
import { findClientCompany } from './queries/companies.ts';
import { entityCurrency, proposalDefaults } from './queries/constants.ts';
import { findContact } from './queries/contacts.ts';
import {
  findRequest,
  findRequestOfProposal,
  insertDraftProposal,
  insertRequest,
  latestAgencyAnswers,
  listRequests,
  listRequestTypes,
  nextRequestId,
  type RequestRow,
  type RequestTypeRow,
} from './queries/requests.ts';
import { findRequestFile, listRequestFiles, type RequestFileRow } from './queries/request-files.ts';
import { defaultTicketChoice, isTicketChoice } from './queries/tickets.ts';
import { parseId, toHostId } from './ids.ts';
import { contentTypeOf, fileFound } from './shared-files.ts';
import { dataRootWritable, writeRecordFiles } from './ticket-uploads.ts';
import { htmlToText, openPublicTicket, textToHtml } from './tickets.ts';
import { fileStream } from '../shared/file-stream.ts';

type EntityOf = (workspaceId: string) => number | null;

const choice = z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(200) });
/** A request type's form as the settings keep it: text, long text, choices, number, date, file. */
export const requestFieldsSchema = z
  .array(
    z.object({
      key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
      type: z.enum(['text', 'textarea', 'select', 'multiselect', 'number', 'date', 'checkbox', 'file']),
      label: z.string().min(1).max(200),
      help: z.string().max(500).nullable().default(null),
      required: z.boolean().default(false),
      options: z.array(choice).max(50).optional(),
      min: z.number().nullable().optional(),
      max: z.number().nullable().optional(),
    }),
  )
  .max(30)
  .refine((fields) => new Set(fields.map((f) => f.key)).size === fields.length, 'keys must be unique');

function fieldsOf(value: unknown): RequestField[] {
  const parsed = requestFieldsSchema.safeParse(value);
  return parsed.success ? (parsed.data as RequestField[]) : [];
}

const PROPOSAL_STATE: Record<number, { state: RequestState; label: string | null }> = {
  0: { state: 'submitted', label: null },
  1: { state: 'answered', label: null },
  2: { state: 'closed', label: 'Signed' },
  3: { state: 'closed', label: 'Not signed' },
  4: { state: 'closed', label: 'Signed' },
  [-1]: { state: 'closed', label: 'Canceled' },
};

function ticketState(status: number, answered: boolean): RequestState {
  if (status === 8 || status === 9) return 'closed';
  if (status === 5 || answered) return 'answered';
  return status === 0 ? 'submitted' : 'inReview';
}

const requestRef = (id: string) => `REQ-${id.padStart(4, '0')}`;

/** The answers as note_public and a ticket's message: one "Label: answer" line per field. */
function answersText(fields: RequestField[], answers: Record<string, unknown>): string {
  return fields
    .map((field) => {
      const value = answers[field.key];
      const shown = Array.isArray(value)
        ? value.map((v) => field.options?.find((o) => o.value === v)?.label ?? String(v)).join(', ')
        : typeof value === 'boolean'
          ? value
            ? 'Yes'
            : 'No'
          : value === null || value === undefined || value === ''
            ? '—'
            : (field.options?.find((o) => o.value === value)?.label ?? String(value));
      return `${field.label}: ${shown}`;
    })
    .join('\n');
}

export interface DolibarrRequestsOptions {
  tickets: boolean;
  /** The llx_user the proposal and its agenda event are written as; null for none. */
  userId: number | null;
  /** Dolibarr's data root: where it is writable by the portal's process, the client's files go into the record's documents. */
  dataRoot?: string;
}

export function dolibarrRequests(db: Knex, entityOf: EntityOf, options: DolibarrRequestsOptions): ServiceRequestsPort {
  const filesRoot = dataRootWritable(options.dataRoot) ? options.dataRoot : null;
  const scope = (workspaceId: string, clientId: string) => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    return entity === null || companyId === null ? null : { entity, companyId };
  };

  const presentDefinition = (row: RequestTypeRow) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    category: null,
    icon: null,
    kind: row.becomes === 'proposal' ? ('quote' as const) : ('general' as const),
    fields: fieldsOf(row.fields),
  });

  type Answer = { note: string | null; datec: Date };
  /** The agency's answers on the ticket requests among rows, in one read. */
  const answersOf = (rows: RequestRow[], entity: number) =>
    options.tickets
      ? latestAgencyAnswers(db, { entity, ticketIds: rows.filter((r) => r.element === 'ticket').map((r) => r.fk_element) })
      : Promise.resolve(new Map<number, Answer>());

  function stateOf(row: RequestRow, answers: Map<number, Answer>) {
    if (row.element === 'propal') {
      if (row.host_status === null) return { state: 'closed' as const, label: 'Withdrawn', answer: null };
      const known = PROPOSAL_STATE[row.host_status] ?? { state: 'inReview' as const, label: null };
      return { state: known.state, label: known.label, answer: null };
    }
    if (row.host_status === null) return { state: 'closed' as const, label: 'Deleted', answer: null };
    const answer = answers.get(row.fk_element) ?? null;
    return { state: ticketState(row.host_status, answer !== null), label: null, answer };
  }

  async function stateOfOne(row: RequestRow, entity: number) {
    return stateOf(row, row.element === 'ticket' ? await answersOf([row], entity) : new Map());
  }

  const summary = (row: RequestRow, state: RequestState, label: string | null, answeredAt: Date | null): RequestSummary => {
    const changed = [row.created_at, row.host_changed, answeredAt].filter((d): d is Date => d instanceof Date);
    return {
      id: row.id,
      ref: requestRef(row.id),
      title: row.title,
      kind: row.kind,
      state,
      statusLabel: label,
      submittedAt: row.created_at,
      updatedAt: new Date(Math.max(...changed.map((d) => d.getTime()))),
    };
  };

  /** A kept file that is on disk, with its size and field; null when the row names no file there. */
  async function presentFile(dataRoot: string, row: RequestFileRow) {
    const found = await fileFound(dataRoot, row);
    if (!found) return null;
    const file: RequestFile = {
      id: toHostId(row.rowid),
      name: row.filename,
      contentType: contentTypeOf(row.filename),
      sizeBytes: found.sizeBytes,
      fieldKey: row.field_key,
      at: row.date_c ?? new Date(0),
    };
    return { file, path: found.path };
  }

  const requestFiles = (dataRoot: string): Pick<ServiceRequestsPort, 'files' | 'fileContent'> => ({
    async files(workspaceId, clientId, _contactId, id) {
      const s = scope(workspaceId, clientId);
      if (!s || parseId(id) === null) return [];
      const rows = await listRequestFiles(db, { ...s, requestId: id });
      const files = await Promise.all(rows.map((row) => presentFile(dataRoot, row)));
      return files.filter((found) => found !== null).map((found) => found.file);
    },
    async fileContent(workspaceId, clientId, _contactId, id, fileId) {
      const s = scope(workspaceId, clientId);
      const rowid = parseId(fileId);
      if (!s || parseId(id) === null || rowid === null) return null;
      const row = await findRequestFile(db, { ...s, requestId: id, rowid });
      const found = row ? await presentFile(dataRoot, row) : null;
      if (!found) return null;
      return {
        name: found.file.name,
        contentType: found.file.contentType,
        sizeBytes: found.file.sizeBytes,
        content: fileStream(found.path),
      };
    },
  });

  async function types(entity: number) {
    return listRequestTypes(db, { entity, tickets: options.tickets });
  }

  return {
    async definitions(workspaceId, clientId) {
      const s = scope(workspaceId, clientId);
      if (!s) return [];
      return (await types(s.entity)).map(presentDefinition);
    },

    async definition(workspaceId, clientId, _contactId, id) {
      const s = scope(workspaceId, clientId);
      if (!s || parseId(id) === null) return null;
      const row = (await types(s.entity)).find((t) => t.id === id);
      return row ? presentDefinition(row) : null;
    },

    async submit(workspaceId, clientId, contactId, request, write) {
      const s = scope(workspaceId, clientId);
      const contactRowid = parseId(contactId);
      if (!s || contactRowid === null || parseId(request.definitionId) === null) return null;
      const [company, contact, all] = await Promise.all([
        findClientCompany(db, s),
        findContact(db, { entity: s.entity, contactId: contactRowid }),
        types(s.entity),
      ]);
      const type = all.find((t) => t.id === request.definitionId);
      if (!company || !contact || contact.fk_soc !== s.companyId || !type) return null;
      const fields = fieldsOf(type.fields);
      const text = answersText(fields, request.answers);
      const work = async (trx: Knex.Transaction) => {
        // The portal's id first: the proposal's customer reference and the ticket's subject name it.
        const id = await nextRequestId(trx);
        const ref = requestRef(id);
        let element: 'propal' | 'ticket';
        let elementId: number;
        let elementRef: string;
        if (type.becomes === 'proposal') {
          const [defaults, currency] = await Promise.all([proposalDefaults(trx, s), entityCurrency(trx, s)]);
          const created = await insertDraftProposal(trx, {
            ...s,
            contactId: contactRowid,
            userId: options.userId,
            refClient: ref,
            notePublic: textToHtml(`${type.name} (${ref})\n${text}`),
            validityDays: defaults.validityDays,
            modelPdf: defaults.modelPdf,
            currency: currency?.trim() || null,
          });
          // Propal::create's call_trigger('PROPAL_CREATE') as the acting user, where the agenda setup asks for it.
          await recordAgendaEvent(trx, {
            entity: s.entity,
            trigger: 'PROPAL_CREATE',
            elementId: created.rowid,
            ref: created.ref,
            companyId: s.companyId,
            projectId: null,
            userId: options.userId,
            at: null,
            ip: write?.ip ?? null,
          });
          element = 'propal';
          elementId = created.rowid;
          elementRef = created.ref;
        } else {
          // The request type's ticket type where the host still offers it; otherwise, and for the
          // category and severity, what Dolibarr's public form preselects and so posts.
          const preselected = (dictionary: 'llx_c_ticket_type' | 'llx_c_ticket_category' | 'llx_c_ticket_severity') =>
            defaultTicketChoice(trx, { entity: s.entity, dictionary });
          const typeCode =
            type.ticket_type && (await isTicketChoice(trx, { entity: s.entity, dictionary: 'llx_c_ticket_type', code: type.ticket_type }))
              ? type.ticket_type
              : await preselected('llx_c_ticket_type');
          const created = await openPublicTicket(
            trx,
            { rowid: contactRowid, email: contact.email },
            {
              ...s,
              originEmail: contact.email.trim(),
              subject: `${type.name} (${ref})`,
              message: textToHtml(text || type.name),
              typeCode,
              categoryCode: await preselected('llx_c_ticket_category'),
              severityCode: await preselected('llx_c_ticket_severity'),
              ip: write?.ip ?? null,
            },
          );
          element = 'ticket';
          elementId = created.rowid;
          elementRef = created.ref;
        }
        // The files, as documents of the record just written; each field's answer the names they were kept under.
        const answers = { ...request.answers };
        if (filesRoot && request.files?.length) {
          const record = { type: element, id: elementId, ref: elementRef };
          const kept = await writeRecordFiles(trx, { dataRoot: filesRoot, entity: s.entity, record, agendaId: null, files: request.files });
          for (const field of fields.filter((f) => f.type === 'file')) {
            answers[field.key] = kept.filter((_, i) => request.files![i]!.fieldKey === field.key).map((file) => file.filename);
          }
        }
        await insertRequest(trx, {
          id,
          entity: s.entity,
          typeId: type.id,
          companyId: s.companyId,
          contactId: contactRowid,
          title: type.name,
          kind: type.becomes === 'proposal' ? 'quote' : 'general',
          fields,
          answers,
          element,
          elementId,
        });
        return findRequest(trx, { ...s, id, tickets: options.tickets });
      };
      const row = write?.trx ? await work(write.trx) : await db.transaction(work);
      if (!row) return null;
      const { state, label } = await stateOfOne(row, s.entity);
      return summary(row, state, label, null);
    },

    async list(workspaceId, clientId, _contactId, filter, page) {
      const s = scope(workspaceId, clientId);
      const none = { items: [], next: null };
      if (!s) return none;
      let afterId: string | null = null;
      if (page.after) {
        const key = decodeCursor(page.after);
        if (key?.length !== 1 || typeof key[0] !== 'string' || parseId(key[0]) === null) return none;
        afterId = key[0];
      }
      const limit = clampLimit(page.limit);
      const search = filter.search?.trim().slice(0, 200) || null;
      const rows = await listRequests(db, { ...s, tickets: options.tickets, search, afterId, limit: limit + 1 });
      const shown = rows.slice(0, limit);
      const answers = await answersOf(shown, s.entity);
      const items = shown.map((row) => {
        const { state, label, answer } = stateOf(row, answers);
        return summary(row, state, label, answer?.datec ?? null);
      });
      const last = shown.at(-1);
      return { items, next: rows.length > limit && last ? encodeCursor([last.id]) : null };
    },

    async find(workspaceId, clientId, _contactId, id): Promise<RequestDetail | null> {
      const s = scope(workspaceId, clientId);
      if (!s || parseId(id) === null) return null;
      const row = await findRequest(db, { ...s, id, tickets: options.tickets });
      if (!row) return null;
      const { state, label, answer } = await stateOfOne(row, s.entity);
      const offered = row.element === 'propal' && row.host_status !== null && row.host_status !== 0 && row.host_ref;
      return {
        ...summary(row, state, label, answer?.datec ?? null),
        fields: fieldsOf(row.fields),
        answers: (row.answers ?? {}) as RequestDetail['answers'],
        answer: answer ? htmlToText(answer.note) || null : null,
        answeredAt: answer?.datec ?? null,
        history: [],
        offer: offered ? { kind: 'proposal', id: toHostId(row.fk_element), number: row.host_ref! } : null,
      };
    },

    ...(filesRoot ? { keepsClientFiles: true, ...requestFiles(filesRoot) } : {}),

    async answeredBy(workspaceId, clientId, offer) {
      const s = scope(workspaceId, clientId);
      const proposalId = parseId(offer.id);
      if (!s || offer.kind !== 'proposal' || proposalId === null) return null;
      const row = await findRequestOfProposal(db, { ...s, proposalId, tickets: options.tickets });
      if (!row) return null;
      const { state, label } = await stateOfOne(row, s.entity);
      return summary(row, state, label, null);
    },
  };
}
