// Alga PSA's service requests through the portal's ServiceRequestsPort: the catalogue and forms as
// Alga's own client portal offers them (server/src/app/client-portal/request-services/page.tsx and
// [definitionId]/page.tsx, through server/src/lib/service-requests/portalCatalog.ts and
// portalDetail.ts), a submission written as its submit action writes one
// ([definitionId]/actions.ts submitRequestServiceDefinitionAction → submissionService.ts
// submitPortalServiceRequest), and "my requests" (my-requests/, submissionHistory.ts): the
// company's submissions, newest first.
//
// After the insert, as Alga does, the definition's execution provider runs in the same
// transaction (service-request-execution.ts): ticket-only makes the ticket with the provider's
// board, status and priority configuration and the submission records it ('succeeded',
// created_ticket_id) or why it failed. Enterprise providers (workflows, checkouts) are Alga's
// application code, not its tables: their submissions stay 'pending' in Alga's own list of the
// definition's submissions, where the agency sees them. The client's files,
// with a local storage root and a contact with a client login (Alga's upload names the uploader),
// are stored as its submit action stores them (queries/service-requests.ts insertSubmissionFiles)
// in the submission's transaction, and listed back from Alga; otherwise the portal keeps them.
// Alga has no quote requests: every definition is 'general'.
import {
  clampLimit,
  containsPattern,
  encodeCursor,
  type RequestDefinition,
  type RequestDetail,
  type RequestField,
  type RequestFile,
  type RequestState,
  type RequestSummary,
  type ServiceRequestsPort,
} from '../../src/index.ts';
import { keysetPage } from '../shared/projects.ts';
import { keyCursor } from './cursors.ts';
import { contactScope, parseUuid } from './ids.ts';
import {
  type CatalogRow,
  contactOfClient,
  findPublishedDefinition,
  findSubmission,
  findSubmissionFile,
  insertSubmission,
  insertSubmissionFiles,
  listSubmissionFiles,
  type SubmissionFileRow,
  listCatalog,
  listSubmissions,
  type SubmissionRow,
} from './queries/service-requests.ts';
import { findClientUserIdOfContact } from './queries/users.ts';
import type { Db } from './queries/db.ts';
import { filesOfATransaction } from '../shared/files-of-a-transaction.ts';
import { fileUnder } from './shared-files.ts';
import { storeClientFile } from './alga-storage.ts';
import { executeSubmission } from './service-request-execution.ts';
import { fileStream } from '../shared/file-stream.ts';

type TenantOf = (workspaceId: string) => string | null;

/** Alga's basic form field types (basicFormBuilder.ts BasicFormFieldType) in the portal's words. */
const FIELD_TYPE: Record<string, RequestField['type']> = {
  'short-text': 'text',
  'long-text': 'textarea',
  select: 'select',
  checkbox: 'checkbox',
  date: 'date',
  'file-upload': 'file',
};

/**
 * A form schema as Alga normalises it (normalizeBasicFormSchema): fields with a key, an unknown
 * type read as short text, the label or the key, help text, required, the options with both a
 * label and a value.
 */
function fieldsOf(schema: unknown): RequestField[] {
  const raw =
    schema && typeof schema === 'object' && Array.isArray((schema as { fields?: unknown }).fields)
      ? (schema as { fields: unknown[] }).fields
      : [];
  const fields: RequestField[] = [];
  for (const item of raw) {
    if (!item || typeof item !== 'object') continue;
    const f = item as Record<string, unknown>;
    const key = typeof f.key === 'string' ? f.key.trim() : '';
    // The portal names inputs by key: a key Alga's own validation would refuse is not offered.
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(key) || fields.some((field) => field.key === key)) continue;
    const type = FIELD_TYPE[typeof f.type === 'string' ? f.type : ''] ?? 'text';
    const options = Array.isArray(f.options)
      ? f.options
          .map((o) => ({ label: typeof o?.label === 'string' ? o.label : '', value: typeof o?.value === 'string' ? o.value : '' }))
          .filter((o) => o.label && o.value)
      : undefined;
    fields.push({
      key,
      type,
      label: typeof f.label === 'string' && f.label.trim() ? f.label.trim() : key,
      help: typeof f.helpText === 'string' && f.helpText ? f.helpText : null,
      required: Boolean(f.required),
      ...(options ? { options } : {}),
    });
  }
  return fields;
}

function presentDefinition(row: CatalogRow): RequestDefinition {
  return {
    id: row.definition_id,
    name: row.name,
    description: row.description ?? '',
    category: row.category_name_snapshot,
    icon: row.icon,
    kind: 'general',
    fields: fieldsOf(row.form_schema_snapshot),
  };
}

/** Alga's execution status in the portal's words: sent, then in the agency's hands once it ran. */
const STATE: Record<SubmissionRow['execution_status'], RequestState> = { pending: 'submitted', succeeded: 'inReview', failed: 'submitted' };

function presentSummary(row: SubmissionRow): RequestSummary {
  return {
    id: row.submission_id,
    ref: row.submission_id.slice(0, 8).toUpperCase(),
    title: row.request_name,
    kind: 'general',
    state: STATE[row.execution_status],
    statusLabel: null,
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The portal's answers as Alga's submit action puts them in the payload: each field's text as the
 * form sent it ('' for one left empty), a checkbox as a boolean, no file fields (Alga keeps files
 * beside the submission, not in its payload).
 */
function algaPayload(fields: RequestField[], answers: Record<string, unknown>): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.type === 'file') continue;
    const value = answers[field.key];
    payload[field.key] = field.type === 'checkbox' ? value === true : value === null || value === undefined ? '' : String(value);
  }
  return payload;
}

function presentFile(row: SubmissionFileRow): RequestFile {
  return {
    id: row.file_id,
    name: row.file_name?.trim() || row.original_name,
    contentType: row.mime_type?.trim() || 'application/octet-stream',
    sizeBytes: Number(row.file_size ?? 0),
    fieldKey: row.field_key ?? '',
    at: row.created_at,
  };
}

export function algaServiceRequests(db: Db, tenantOf: TenantOf, options: { storageRoot?: string } = {}): ServiceRequestsPort {
  const scopeOf = contactScope(tenantOf);
  const none = { items: [], next: null };
  const { storageRoot } = options;

  /** The files the contact's submissions keep in Alga: listed and read where the bytes are under the storage root. */
  const submissionFiles = (root: string): Pick<ServiceRequestsPort, 'files' | 'fileContent' | 'keepsClientFilesOf'> => ({
    async keepsClientFilesOf(workspaceId, clientId, contactId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      return scope ? (await findClientUserIdOfContact(db, scope)) !== null : false;
    },
    async files(workspaceId, clientId, contactId, requestId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const id = parseUuid(requestId);
      if (!scope || !id) return [];
      const rows = await listSubmissionFiles(db, { tenant: scope.tenant, clientId: scope.clientId, submissionId: id });
      return rows.filter((row) => fileUnder(root, row.storage_path) !== null).map(presentFile);
    },
    async fileContent(workspaceId, clientId, contactId, requestId, fileId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const id = parseUuid(requestId);
      const file = parseUuid(fileId);
      if (!scope || !id || !file) return null;
      const row = await findSubmissionFile(db, { tenant: scope.tenant, clientId: scope.clientId, submissionId: id, fileId: file });
      const onDisk = row ? fileUnder(root, row.storage_path) : null;
      if (!row || !onDisk) return null;
      const presented = presentFile(row);
      return {
        name: presented.name,
        contentType: presented.contentType,
        sizeBytes: presented.sizeBytes,
        content: fileStream(onDisk),
      };
    },
  });

  return {
    ...(storageRoot ? { keepsClientFiles: true, ...submissionFiles(storageRoot) } : {}),
    async definitions(workspaceId) {
      const tenant = tenantOf(workspaceId);
      return tenant ? (await listCatalog(db, tenant)).map(presentDefinition) : [];
    },

    async definition(workspaceId, _clientId, _contactId, definitionId) {
      const tenant = tenantOf(workspaceId);
      const id = parseUuid(definitionId);
      if (!tenant || !id) return null;
      const row = await findPublishedDefinition(db, tenant, id);
      return row ? presentDefinition(row) : null;
    },

    async submit(workspaceId, clientId, contactId, request, write) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const id = parseUuid(request.definitionId);
      const trx = write?.trx;
      if (!scope || !id) return null;
      if (!trx) throw new Error('alga-psa: a service request is written inside the caller’s transaction');
      if (!(await contactOfClient(trx, scope))) return null;
      const definition = await findPublishedDefinition(trx, scope.tenant, id);
      if (!definition) return null;
      // The contact's client login, as Alga names the requester; none for a contact without one.
      const requesterUserId = await findClientUserIdOfContact(trx, scope);
      const payload = algaPayload(fieldsOf(definition.form_schema_snapshot), request.answers);
      const submissionId = await insertSubmission(trx, {
        tenant: scope.tenant,
        definition,
        requesterUserId,
        clientId: scope.clientId,
        contactId: scope.contactId,
        payload,
      });
      if (request.files?.length) {
        // keepsClientFilesOf says no without a root or a login; files given without them are a caller's mistake.
        if (!storageRoot || !requesterUserId) throw new Error('alga-psa: a request file needs the storage root and a client login');
        const kept = filesOfATransaction(trx);
        const stored = [];
        for (const file of request.files) {
          stored.push({
            fieldKey: file.fieldKey,
            name: file.name,
            mimeType: file.contentType || 'application/octet-stream',
            sizeBytes: file.sizeBytes,
            storagePath: await storeClientFile(kept, { storageRoot, tenant: scope.tenant, file }),
          });
        }
        await insertSubmissionFiles(trx, { tenant: scope.tenant, submissionId, userId: requesterUserId, files: stored });
      }
      // As submitPortalServiceRequest, once the submission and its files are saved: the
      // definition's execution (ticket-only: the ticket), its outcome on the submission.
      await executeSubmission(trx, {
        tenant: scope.tenant,
        submissionId,
        definitionId: definition.definition_id,
        executionProvider: definition.execution_provider,
        executionConfig: definition.execution_config,
        requesterUserId,
        clientId: scope.clientId,
        contactId: scope.contactId,
        payload,
      });
      const row = await findSubmission(trx, { tenant: scope.tenant, clientId: scope.clientId, submissionId });
      return row ? presentSummary(row) : null;
    },

    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      if (!scope) return none;
      const after = keyCursor(page.after, 'timestamp');
      if (after === 'invalid') return none;
      const limit = clampLimit(page.limit);
      const rows = await listSubmissions(db, {
        tenant: scope.tenant,
        clientId: scope.clientId,
        ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      return keysetPage(rows, limit, presentSummary, (last) => encodeCursor([last.sort_key, last.submission_id]));
    },

    async find(workspaceId, clientId, contactId, requestId): Promise<RequestDetail | null> {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const id = parseUuid(requestId);
      if (!scope || !id) return null;
      const row = await findSubmission(db, { tenant: scope.tenant, clientId: scope.clientId, submissionId: id });
      if (!row) return null;
      const payload = (
        row.submitted_payload && typeof row.submitted_payload === 'object' ? row.submitted_payload : {}
      ) as RequestDetail['answers'];
      return {
        ...presentSummary(row),
        fields: fieldsOf(row.form_schema_snapshot),
        answers: payload,
        answer: null,
        answeredAt: null,
        // Alga records no status history of a submission beyond its audit events.
        history: [{ at: row.submitted_at, state: 'submitted', statusLabel: null }],
        offer: null,
      };
    },
  };
}
