// Alga PSA's service requests as its own client portal reads and writes them: the catalogue of
// published definitions with their latest published version (server/src/lib/service-requests/
// portalCatalog.ts listVisibleServiceRequestCatalogItems, portalDetail.ts
// getVisiblePublishedServiceRequestDefinitionDetail), the company's submissions
// (submissionHistory.ts listClientServiceRequestSubmissions, getClientServiceRequestSubmissionDetail)
// and a new submission (submissionService.ts submitPortalServiceRequest). Every query is scoped by tenant, and
// a submission's by the client.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { insertExternalFile } from './document-filing.ts';

/**
 * The visibility providers Alga registers itself (providers/builtins): a definition under another
 * provider (an enterprise one the portal cannot run) is not offered, as Alga skips a definition
 * whose provider is not registered.
 */
const BUILTIN_VISIBILITY = ['all-authenticated-client-users'];
/** The form behaviour providers Alga registers itself; with another the detail is null, as in Alga. */
const BUILTIN_FORM_BEHAVIOR = ['basic'];

export interface CatalogRow {
  definition_id: string;
  version_id: string;
  name: string;
  description: string | null;
  icon: string | null;
  category_name_snapshot: string | null;
  sort_order: number;
  form_schema_snapshot: unknown;
  execution_provider: string;
  /** The MSP's configuration of the execution provider (ticket-only: the ticket's routing). */
  execution_config: unknown;
}

/** The latest version of each of the tenant's definitions, as a lateral subquery of the definition row `d`. */
function latestVersion(db: Db, tenant: string) {
  return db('service_request_definition_versions as v')
    .where('v.tenant', tenant)
    .whereRaw('v.definition_id = d.definition_id')
    .orderBy('v.version_number', 'desc')
    .limit(1)
    .select(
      'v.version_id',
      'v.name',
      'v.description',
      'v.icon',
      'v.category_name_snapshot',
      'v.sort_order',
      'v.form_schema_snapshot',
      'v.execution_provider',
      'v.execution_config',
      'v.visibility_provider',
      'v.form_behavior_provider',
    );
}

const CATALOG_COLUMNS = [
  'd.definition_id',
  'l.version_id',
  'l.name',
  'l.description',
  'l.icon',
  'l.category_name_snapshot',
  'l.sort_order',
  'l.form_schema_snapshot',
  'l.execution_provider',
  'l.execution_config',
];

/**
 * The catalogue as Alga lists it: not archived, published once (published_at), with a version;
 * the latest version's name, category and order; a visibility provider Alga runs itself. Sorted as
 * Alga sorts it: by category name ("Other Services" for none), order, then title.
 */
export async function listCatalog(db: Db, tenant: string): Promise<CatalogRow[]> {
  return db('service_request_definitions as d')
    .joinRaw(`cross join lateral (${latestVersion(db, tenant).toQuery()}) as l`)
    .where('d.tenant', tenant)
    .whereNot('d.lifecycle_state', 'archived')
    .whereNotNull('d.published_at')
    .whereIn('l.visibility_provider', BUILTIN_VISIBILITY)
    .orderByRaw(`coalesce(l.category_name_snapshot, 'Other Services'), l.sort_order, l.name`)
    .select<CatalogRow[]>(CATALOG_COLUMNS);
}

/**
 * One definition as Alga's detail reads it before a form is shown or sent: lifecycle_state
 * 'published', a visibility provider Alga runs, its latest version with a form behaviour Alga runs.
 */
export async function findPublishedDefinition(db: Db, tenant: string, definitionId: string): Promise<CatalogRow | null> {
  const row = await db('service_request_definitions as d')
    .joinRaw(`cross join lateral (${latestVersion(db, tenant).toQuery()}) as l`)
    .where({ 'd.tenant': tenant, 'd.definition_id': definitionId, 'd.lifecycle_state': 'published' })
    .whereIn('d.visibility_provider', BUILTIN_VISIBILITY)
    .whereIn('l.form_behavior_provider', BUILTIN_FORM_BEHAVIOR)
    .first<CatalogRow | undefined>(CATALOG_COLUMNS);
  return row ?? null;
}

export interface SubmissionRow {
  submission_id: string;
  request_name: string;
  execution_status: 'pending' | 'succeeded' | 'failed';
  created_ticket_id: string | null;
  submitted_at: Date;
  updated_at: Date;
  /** created_at as text to the microsecond (UTC), the list's keyset. */
  sort_key: string;
}

export interface SubmissionDetailRow extends SubmissionRow {
  submitted_payload: unknown;
  form_schema_snapshot: unknown;
}

const SUBMISSION_COLUMNS = (db: Db) => [
  's.submission_id',
  's.request_name',
  's.execution_status',
  's.created_ticket_id',
  's.created_at as submitted_at',
  's.updated_at',
  db.raw(`to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as sort_key`),
];

/** The company's submissions, newest first, as Alga's "my requests" lists them; `matching` on the name. */
export async function listSubmissions(
  db: Db,
  args: { tenant: string; clientId: string; matching?: string; after?: { key: string; id: string }; limit: number },
): Promise<SubmissionRow[]> {
  const query = db('service_request_submissions as s').where({ 's.tenant': args.tenant, 's.client_id': args.clientId });
  if (args.matching) query.whereILike('s.request_name', args.matching);
  if (args.after)
    query.whereRaw(`(s.created_at, s.submission_id) < (?::timestamp at time zone 'UTC', ?::uuid)`, [args.after.key, args.after.id]);
  return query
    .orderBy([
      { column: 's.created_at', order: 'desc' },
      { column: 's.submission_id', order: 'desc' },
    ])
    .limit(args.limit)
    .select<SubmissionRow[]>(SUBMISSION_COLUMNS(db));
}

/** One of the company's submissions with the form it answered (its version's snapshot). */
export async function findSubmission(
  db: Db,
  args: { tenant: string; clientId: string; submissionId: string },
): Promise<SubmissionDetailRow | null> {
  const row = await db('service_request_submissions as s')
    .join('service_request_definition_versions as v', function joinVersion() {
      this.on('v.tenant', '=', 's.tenant').andOn('v.version_id', '=', 's.definition_version_id');
    })
    .where({ 's.tenant': args.tenant, 's.client_id': args.clientId, 's.submission_id': args.submissionId })
    .first<SubmissionDetailRow | undefined>([...SUBMISSION_COLUMNS(db), 's.submitted_payload', 'v.form_schema_snapshot']);
  return row ?? null;
}

/**
 * A submission as submitPortalServiceRequest inserts it (execution_status 'pending'). Alga writes
 * no audit_logs row for it at the version the binding follows (its search event is published
 * instead, out of the portal's reach). The execution provider runs after it
 * (service-request-execution.ts).
 */
export async function insertSubmission(
  trx: Knex.Transaction,
  args: {
    tenant: string;
    definition: CatalogRow;
    requesterUserId: string | null;
    clientId: string;
    contactId: string;
    payload: Record<string, unknown>;
  },
): Promise<string> {
  const [row] = await trx('service_request_submissions')
    .insert({
      tenant: args.tenant,
      definition_id: args.definition.definition_id,
      definition_version_id: args.definition.version_id,
      requester_user_id: args.requesterUserId,
      client_id: args.clientId,
      contact_id: args.contactId,
      request_name: args.definition.name,
      submitted_payload: JSON.stringify(args.payload),
      execution_status: 'pending',
    })
    .returning<Array<{ submission_id: string }>>('submission_id');
  if (!row) throw new Error('insert into service_request_submissions returned no row');
  return row.submission_id;
}

/** Whether the contact is an active contact of the tenant's active client (who may submit for it). */
export async function contactOfClient(db: Db, args: { tenant: string; clientId: string; contactId: string }): Promise<boolean> {
  const row = await db('contacts as c')
    .join('clients as k', function joinClient() {
      this.on('k.tenant', '=', 'c.tenant').andOn('k.client_id', '=', 'c.client_id');
    })
    .where({ 'c.tenant': args.tenant, 'c.client_id': args.clientId, 'c.contact_name_id': args.contactId })
    .whereRaw('coalesce(c.is_inactive, false) = false and coalesce(k.is_inactive, false) = false')
    .first('c.contact_name_id');
  return Boolean(row);
}

// ---- the files of a submission, written as Alga's submit action writes them ----

export interface NewSubmissionFile {
  fieldKey: string;
  /** The name the client's file had. */
  name: string;
  mimeType: string;
  sizeBytes: number;
  /** Where its bytes are, under the storage root (Alga's generateStoragePath). */
  storagePath: string;
}

/**
 * A submission's files as submitRequestServiceDefinitionAction writes them
 * (server/src/app/client-portal/request-services/[definitionId]/actions.ts): each stored through
 * StorageService.uploadFile (an external_files row, as FileStoreModel.create writes it: file_name
 * the stored name, original_name, mime_type, file_size, storage_path, uploaded_by_id the client
 * login), then submitPortalServiceRequest's service_request_submission_attachments row (tenant,
 * submission_id, field_key, file_id, file_name the client's name, mime_type, file_size). In the
 * submission's transaction (Alga writes the files first, in transactions of their own, and deletes
 * them when the submission fails; here all commit together).
 */
export async function insertSubmissionFiles(
  trx: Knex.Transaction,
  args: { tenant: string; submissionId: string; userId: string; files: NewSubmissionFile[] },
): Promise<void> {
  for (const file of args.files) {
    const fileId = await insertExternalFile(trx, {
      tenant: args.tenant,
      userId: args.userId,
      originalName: file.name,
      mimeType: file.mimeType,
      sizeBytes: file.sizeBytes,
      storagePath: file.storagePath,
    });
    await trx('service_request_submission_attachments').insert({
      tenant: args.tenant,
      submission_id: args.submissionId,
      field_key: file.fieldKey,
      file_id: fileId,
      file_name: file.name,
      mime_type: file.mimeType,
      file_size: Math.max(0, Math.floor(file.sizeBytes)),
    });
  }
}

export interface SubmissionFileRow {
  file_id: string;
  file_name: string | null;
  original_name: string;
  mime_type: string | null;
  file_size: string | null;
  field_key: string | null;
  storage_path: string;
  created_at: Date;
}

/** A submission's attachments with a stored file (external_files, not deleted), the submission the client's. */
function submissionFiles(db: Db, args: { tenant: string; clientId: string; submissionId: string }) {
  return db('service_request_submission_attachments as a')
    .join('service_request_submissions as s', function joinSubmission() {
      this.on('s.tenant', '=', 'a.tenant').andOn('s.submission_id', '=', 'a.submission_id');
    })
    .join('external_files as f', function joinFile() {
      this.on('f.tenant', '=', 'a.tenant').andOn('f.file_id', '=', 'a.file_id');
    })
    .where({ 'a.tenant': args.tenant, 'a.submission_id': args.submissionId, 's.client_id': args.clientId })
    .andWhereRaw('coalesce(f.is_deleted, false) = false');
}

const FILE_COLUMNS = (db: Db) => [
  'a.file_id',
  'a.file_name',
  'f.original_name',
  db.raw('coalesce(a.mime_type, f.mime_type) as mime_type'),
  db.raw('coalesce(a.file_size, f.file_size)::text as file_size'),
  'a.field_key',
  'f.storage_path',
  'a.created_at',
];

export async function listSubmissionFiles(
  db: Db,
  args: { tenant: string; clientId: string; submissionId: string },
): Promise<SubmissionFileRow[]> {
  return submissionFiles(db, args)
    .orderBy([{ column: 'a.created_at' }, { column: 'a.file_id' }])
    .select<SubmissionFileRow[]>(FILE_COLUMNS(db));
}

export async function findSubmissionFile(
  db: Db,
  args: { tenant: string; clientId: string; submissionId: string; fileId: string },
): Promise<SubmissionFileRow | null> {
  const row = await submissionFiles(db, args).where('a.file_id', args.fileId).first<SubmissionFileRow | undefined>(FILE_COLUMNS(db));
  return row ?? null;
}
