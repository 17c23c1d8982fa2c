// DocumentsPort and TasksPort on Alga PSA. Documents' bytes live outside the database, in the
// storage provider Alga is configured with; this binding reads Alga's local provider's files
// (STORAGE_LOCAL_BASE_PATH: external_files.storage_path under it), so the port exists only when
// that directory is given and readable by the portal. S3-backed installations have no port.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ClientTask, DocumentsPort, SharedDocument, TasksPort } from '../../src/index.ts';
import { clampLimit, containsPattern, encodeCursor, pageOf } from '../../src/index.ts';
import { keyCursor } from './cursors.ts';
import { contactScope, parseUuid } from './ids.ts';
import { cents } from './money.ts';
import { findSharedDocument, listSharedDocuments, type SharedDocumentRow } from './queries/documents.ts';
import { findTask, listDoneTasks, listOpenTasks, setTaskDone, type TaskRow } from './queries/tasks.ts';
import { documentContent } from '../shared/file-stream.ts';

type TenantOf = (workspaceId: string) => string | null;
const EMPTY = { items: [], next: null };

/** The file under the storage root, or null when the row's path would leave it (as Alga's provider refuses it). */
export function fileUnder(root: string, storagePath: string): string | null {
  const base = path.resolve(root);
  const file = path.resolve(base, storagePath.replace(/^\/+/, ''));
  return file.startsWith(`${base}${path.sep}`) ? file : null;
}

function presentDocument(row: SharedDocumentRow): SharedDocument {
  return {
    id: row.document_id,
    name: row.document_name?.trim() || row.original_name,
    contentType: row.mime_type?.trim() || 'application/octet-stream',
    sizeBytes: cents(row.file_size),
    sharedAt: row.shared_at,
    sharedBy: [row.first_name, row.last_name].filter((part) => part?.trim()).join(' ') || null,
    record: null,
  };
}

export function algaDocuments(db: Knex, tenantOf: TenantOf, storageRoot: string): DocumentsPort {
  return {
    async list(workspaceId, clientId, filter, page) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const before = keyCursor(page.after, 'timestamp', true);
      // Documents are associated with the client itself here, never with a quotation or invoice.
      if (tenant === null || client === null || before === 'invalid' || filter.record) return EMPTY;
      const limit = clampLimit(page.limit);
      const rows = await listSharedDocuments(db, {
        tenant,
        clientId: client,
        ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        before: before && { at: before.key, id: before.id },
        limit,
      });
      return pageOf(rows, limit, presentDocument, (row) => [row.sort_key, row.document_id]);
    },
    async open(workspaceId, clientId, documentId) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const id = parseUuid(documentId);
      if (tenant === null || client === null || id === null) return null;
      const row = await findSharedDocument(db, { tenant, clientId: client, documentId: id });
      const file = row ? fileUnder(storageRoot, row.storage_path) : null;
      const info = file ? await stat(file).catch(() => null) : null;
      if (!row || !file || !info?.isFile()) return null;
      return documentContent(presentDocument(row), file, info.size);
    },
  };
}

function presentTask(row: TaskRow): ClientTask {
  return {
    id: row.task_id,
    title: row.task_name,
    description: row.description ?? '',
    dueDate: row.due,
    status: row.done ? 'done' : 'open',
    completedAt: row.done ? row.updated_at : null,
    record: { type: 'project', id: row.project_id, label: [row.project_number, row.project_name].filter(Boolean).join(' ') },
    assignedToContact: row.assigned,
  };
}

export function algaTasks(db: Knex, tenantOf: TenantOf): TasksPort {
  const scopeOf = contactScope(tenantOf);
  return {
    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      if (!scope) return EMPTY;
      const limit = clampLimit(page.limit);
      const search = filter.search ? { matching: containsPattern(filter.search) } : {};
      if (filter.status === 'open') {
        const key = keyCursor(page.after, 'date', true);
        if (key === 'invalid') return EMPTY;
        const rows = await listOpenTasks(db, {
          ...scope,
          ...search,
          ...(key ? { after: { due: key.key, id: key.id } } : {}),
          limit: limit + 1,
        });
        const last = rows[limit - 1];
        return {
          items: rows.slice(0, limit).map(presentTask),
          next: rows.length > limit && last ? encodeCursor([last.due ?? '9999-12-31', last.task_id]) : null,
        };
      }
      const key = keyCursor(page.after, 'timestamp', true);
      if (key === 'invalid') return EMPTY;
      const rows = await listDoneTasks(db, {
        ...scope,
        ...search,
        ...(key ? { after: { at: key.key, id: key.id } } : {}),
        limit: limit + 1,
      });
      const last = rows[limit - 1];
      return {
        items: rows.slice(0, limit).map(presentTask),
        next: rows.length > limit && last?.done_key ? encodeCursor([last.done_key, last.task_id]) : null,
      };
    },
    async find(workspaceId, clientId, contactId, taskId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const id = parseUuid(taskId);
      if (!scope || id === null) return null;
      const row = await findTask(db, { ...scope, taskId: id });
      return row ? presentTask(row) : null;
    },
    async setStatus(workspaceId, clientId, contactId, taskId, status) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const id = parseUuid(taskId);
      if (!scope || id === null) return null;
      if (!(await setTaskDone(db, { ...scope, taskId: id, done: status === 'done' }))) return null;
      const row = await findTask(db, { ...scope, taskId: id });
      return row ? presentTask(row) : null;
    },
  };
}
