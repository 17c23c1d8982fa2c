// Service and quote requests: the agency's catalogue (request_definitions), the requests clients
// send (service_requests) and their status history. Every statement is scoped by workspace; the
// client's reads also by client, so another company's request is not found.
import { type REQUEST_KINDS, REQUEST_STATUSES } from '../migrations/20270403000001_service_requests.ts';
import { type Db, inTransaction, isUniqueViolation } from './db.ts';

export { REQUEST_STATUSES };
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface RequestDefinitionRow {
  id: number;
  name: string;
  /** The name in other languages, by language code; `name` where the reader's is missing. */
  names: Record<string, string>;
  description: string;
  /** The description in other languages, as `names`. */
  descriptions: Record<string, string>;
  category: string | null;
  icon: string | null;
  kind: RequestKind;
  fields: unknown;
  published: boolean;
  position: number;
}

export interface ServiceRequestRow {
  id: number;
  ref: string;
  definition_id: number;
  client_id: number;
  client_name: string;
  contact_id: number | null;
  contact_name: string | null;
  title: string;
  kind: RequestKind;
  fields: unknown;
  payload: unknown;
  status: RequestStatus;
  answer: string | null;
  answered_at: Date | null;
  quotation_id: number | null;
  quotation_number: string | null;
  quotation_status: string | null;
  submitted_at: Date;
  updated_at: Date;
}

export interface RequestStatusChangeRow {
  from_status: RequestStatus | null;
  to_status: RequestStatus;
  changed_at: Date;
  by_name: string | null;
}

const DEFINITION_COLUMNS = [
  'id',
  'name',
  'names',
  'description',
  'descriptions',
  'category',
  'icon',
  'kind',
  'fields',
  'published',
  'position',
] as const;

/** The workspace's definitions in the agency's order; only the published ones unless asked (staff). */
export async function listRequestDefinitions(
  db: Db,
  args: { workspaceId: number; publishedOnly: boolean },
): Promise<RequestDefinitionRow[]> {
  const query = db('request_definitions').where('workspace_id', args.workspaceId);
  if (args.publishedOnly) query.where('published', true);
  return query.orderBy([{ column: 'position' }, { column: 'id' }]).select<RequestDefinitionRow[]>(DEFINITION_COLUMNS);
}

export async function findRequestDefinition(
  db: Db,
  args: { workspaceId: number; definitionId: number; publishedOnly: boolean },
): Promise<RequestDefinitionRow | null> {
  const query = db('request_definitions').where({ workspace_id: args.workspaceId, id: args.definitionId });
  if (args.publishedOnly) query.where('published', true);
  return (await query.first<RequestDefinitionRow | undefined>(DEFINITION_COLUMNS)) ?? null;
}

/** What staff set of a definition on its form. */
export interface DefinitionFields {
  name: string;
  names: Record<string, string>;
  description: string;
  descriptions: Record<string, string>;
  category: string | null;
  kind: RequestKind;
  fields: unknown[];
  published: boolean;
}

const definitionColumns = (args: DefinitionFields) => ({
  name: args.name,
  names: JSON.stringify(args.names),
  description: args.description,
  descriptions: JSON.stringify(args.descriptions),
  category: args.category,
  kind: args.kind,
  fields: JSON.stringify(args.fields),
  published: args.published,
});

/** A new definition, last in the catalogue. */
export async function insertRequestDefinition(db: Db, args: { workspaceId: number } & DefinitionFields): Promise<number> {
  const [row] = await db('request_definitions')
    .insert({
      workspace_id: args.workspaceId,
      ...definitionColumns(args),
      position: db('request_definitions').where({ workspace_id: args.workspaceId }).select(db.raw('coalesce(max(position) + 1, 0)')),
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into request_definitions returned no row');
  return row.id;
}

/** Requests already sent keep the copy of the form they answered: a change here is for the next ones. */
export async function updateRequestDefinition(
  db: Db,
  args: { workspaceId: number; definitionId: number } & DefinitionFields,
): Promise<void> {
  await db('request_definitions').where({ workspace_id: args.workspaceId, id: args.definitionId }).update(definitionColumns(args));
}

/** Seed: a definition by its name, the natural key within a workspace; added when missing. */
export async function ensureRequestDefinition(
  db: Db,
  args: {
    workspaceId: number;
    name: string;
    names: Record<string, string>;
    description: string;
    descriptions: Record<string, string>;
    category: string | null;
    icon: string | null;
    kind: RequestKind;
    fields: unknown[];
    published: boolean;
    position: number;
  },
): Promise<number> {
  const found = await db('request_definitions')
    .where({ workspace_id: args.workspaceId, name: args.name })
    .first<{ id: number } | undefined>('id');
  if (found) return found.id;
  const [row] = await db('request_definitions')
    .insert({
      workspace_id: args.workspaceId,
      name: args.name,
      names: JSON.stringify(args.names),
      description: args.description,
      descriptions: JSON.stringify(args.descriptions),
      category: args.category,
      icon: args.icon,
      kind: args.kind,
      fields: JSON.stringify(args.fields),
      published: args.published,
      position: args.position,
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into request_definitions returned no row');
  return row.id;
}

const REQUEST_COLUMNS = [
  'r.id',
  'r.ref',
  'r.definition_id',
  'r.client_id',
  'c.name as client_name',
  'r.contact_id',
  'k.name as contact_name',
  'r.title',
  'r.kind',
  'r.fields',
  'r.payload',
  'r.status',
  'r.answer',
  'r.answered_at',
  'r.quotation_id',
  'q.number as quotation_number',
  'q.status as quotation_status',
  'r.submitted_at',
  'r.updated_at',
] as const;

function scoped(db: Db, workspaceId: number) {
  return db('service_requests as r')
    .join('clients as c', function joinClient() {
      this.on('c.workspace_id', '=', 'r.workspace_id').andOn('c.id', '=', 'r.client_id');
    })
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.workspace_id', '=', 'r.workspace_id').andOn('k.id', '=', 'r.contact_id');
    })
    .leftJoin('quotations as q', function joinQuotation() {
      this.on('q.workspace_id', '=', 'r.workspace_id').andOn('q.id', '=', 'r.quotation_id');
    })
    .where('r.workspace_id', workspaceId);
}

/** LIKE's own characters taken literally, so a search for "100%" finds "100%". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Newest first; a client's list, or the workspace's (staff). */
export async function listServiceRequests(
  db: Db,
  args: {
    workspaceId: number;
    clientId?: number;
    statuses?: readonly RequestStatus[];
    search?: string;
    after?: { submittedAt: string; id: number };
    limit: number;
  },
): Promise<ServiceRequestRow[]> {
  const query = scoped(db, args.workspaceId);
  if (args.clientId !== undefined) query.where('r.client_id', args.clientId);
  if (args.statuses) query.whereIn('r.status', args.statuses as RequestStatus[]);
  if (args.search) {
    const pattern = likePattern(args.search);
    query.andWhere((q) => q.whereILike('r.ref', pattern).orWhereILike('r.title', pattern));
  }
  if (args.after) query.whereRaw('(r.submitted_at, r.id) < (?::timestamptz, ?)', [args.after.submittedAt, args.after.id]);
  return query
    .orderBy([
      { column: 'r.submitted_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])
    .limit(args.limit)
    .select<ServiceRequestRow[]>(REQUEST_COLUMNS);
}

export async function findServiceRequest(
  db: Db,
  args: { workspaceId: number; clientId?: number; requestId: number },
): Promise<ServiceRequestRow | null> {
  const query = scoped(db, args.workspaceId).where('r.id', args.requestId);
  if (args.clientId !== undefined) query.where('r.client_id', args.clientId);
  return (await query.first<ServiceRequestRow | undefined>(REQUEST_COLUMNS)) ?? null;
}

/** The request a quotation answers, of this client; null for none. */
export async function findRequestOfQuotation(
  db: Db,
  args: { workspaceId: number; clientId: number; quotationId: number },
): Promise<ServiceRequestRow | null> {
  const row = await scoped(db, args.workspaceId)
    .where({ 'r.client_id': args.clientId, 'r.quotation_id': args.quotationId })
    .orderBy('r.id')
    .first<ServiceRequestRow | undefined>(REQUEST_COLUMNS);
  return row ?? null;
}

export async function listRequestStatusChanges(
  db: Db,
  args: { workspaceId: number; requestId: number },
): Promise<RequestStatusChangeRow[]> {
  return db('service_request_status_changes as s')
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.workspace_id', '=', 's.workspace_id').andOn('k.id', '=', 's.by_contact_id');
    })
    .leftJoin('staff_users as u', function joinStaff() {
      this.on('u.workspace_id', '=', 's.workspace_id').andOn('u.id', '=', 's.by_staff_id');
    })
    .where({ 's.workspace_id': args.workspaceId, 's.request_id': args.requestId })
    .orderBy([{ column: 's.changed_at' }, { column: 's.id' }])
    .select<RequestStatusChangeRow[]>(['s.from_status', 's.to_status', 's.changed_at', db.raw('coalesce(k.name, u.name) as by_name')]);
}

async function nextRef(db: Db, workspaceId: number): Promise<string> {
  const row = await db('service_requests')
    .where('workspace_id', workspaceId)
    .whereRaw("ref ~ '^REQ-[0-9]+$'")
    .first<{ n: number | null }>(db.raw('max(substring(ref from 5)::int) as n'));
  return `REQ-${String((row?.n ?? 0) + 1).padStart(4, '0')}`;
}

/**
 * A new request, status submitted, with the next ref and its first history entry. Two sent at
 * once may pick the same ref: the unique key refuses the second, which takes the next one (each
 * attempt in a savepoint, so the caller's transaction survives the refusal).
 */
export async function insertServiceRequest(
  db: Db,
  args: {
    workspaceId: number;
    definitionId: number;
    clientId: number;
    contactId: number;
    title: string;
    kind: RequestKind;
    fields: unknown;
    payload: Record<string, unknown>;
    submittedAt?: Date;
  },
): Promise<{ id: number; ref: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(db, async (trx) => {
        const ref = await nextRef(trx, args.workspaceId);
        const at = args.submittedAt ?? trx.fn.now();
        const [row] = await trx('service_requests')
          .insert({
            workspace_id: args.workspaceId,
            ref,
            definition_id: args.definitionId,
            client_id: args.clientId,
            contact_id: args.contactId,
            title: args.title,
            kind: args.kind,
            fields: JSON.stringify(args.fields),
            payload: JSON.stringify(args.payload),
            status: 'submitted',
            submitted_at: at,
            updated_at: at,
          })
          .returning<Array<{ id: number; ref: string }>>(['id', 'ref']);
        if (!row) throw new Error('insert into service_requests returned no row');
        await trx('service_request_status_changes').insert({
          workspace_id: args.workspaceId,
          request_id: row.id,
          from_status: null,
          to_status: 'submitted',
          by_contact_id: args.contactId,
          changed_at: at,
        });
        return row;
      });
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 4) throw err;
    }
  }
}
/**
 * Staff answer a request and/or move its status: the answer text (kept when not given), the new
 * status with a history entry when it changes. False when the request is not the workspace's.
 */
export async function answerServiceRequest(
  db: Db,
  args: { workspaceId: number; requestId: number; staffId: number; status: RequestStatus; answer?: string | null },
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const current = await trx('service_requests')
      .where({ workspace_id: args.workspaceId, id: args.requestId })
      .forUpdate()
      .first<{ status: RequestStatus; answer: string | null } | undefined>(['status', 'answer']);
    if (!current) return false;
    const answerChanged = args.answer !== undefined && (args.answer ?? null) !== current.answer;
    await trx('service_requests')
      .where({ workspace_id: args.workspaceId, id: args.requestId })
      .update({
        status: args.status,
        updated_at: trx.fn.now(),
        ...(answerChanged ? { answer: args.answer, answered_at: trx.fn.now(), answered_by_staff_id: args.staffId } : {}),
      });
    if (current.status !== args.status) {
      await trx('service_request_status_changes').insert({
        workspace_id: args.workspaceId,
        request_id: args.requestId,
        from_status: current.status,
        to_status: args.status,
        by_staff_id: args.staffId,
      });
    }
    return true;
  });
}

/** Links the quotation made in answer to the request. */
export async function linkRequestQuotation(db: Db, args: { workspaceId: number; requestId: number; quotationId: number }): Promise<void> {
  await db('service_requests')
    .where({ workspace_id: args.workspaceId, id: args.requestId })
    .update({ quotation_id: args.quotationId, updated_at: db.fn.now() });
}

/** The request a quotation answers, for the staff page of the quotation; null for none. */
export async function findRequestOfQuotationForStaff(
  db: Db,
  args: { workspaceId: number; quotationId: number },
): Promise<{ id: number; ref: string; title: string } | null> {
  const row = await db('service_requests')
    .where({ workspace_id: args.workspaceId, quotation_id: args.quotationId })
    .orderBy('id')
    .first<{ id: number; ref: string; title: string } | undefined>('id', 'ref', 'title');
  return row ?? null;
}
