// DocumentsPort and TasksPort on Dolibarr: files shared from llx_ecm_files (read from the Dolibarr
// server's data root, DOL_DATA_ROOT, which the portal must be able to read) and project tasks.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ClientTask, DocumentsPort, HostRecordRef, SharedDocument, TasksPort } from '../../src/index.ts';
import { clampLimit, containsPattern, decodeCursor, encodeCursor, SUMMARY_COUNT_LIMIT } from '../../src/index.ts';
import { contactScope, parseId, toHostId } from './ids.ts';
import { fullName } from './names.ts';
import { findSharedFile, listSharedFiles, type SharedFileRow, type SharedObjectType, sharedFileLocations } from './queries/documents.ts';
import { findTask, listDoneTasks, listOpenTasks, setTaskDone, type TaskRow } from './queries/tasks.ts';
import { documentContent } from '../shared/file-stream.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
export const contentTypeOf = (filename: string) => CONTENT_TYPES[path.extname(filename).toLowerCase()] ?? 'application/octet-stream';

// The portal's record types and Dolibarr's src_object_type values.
const OBJECT_TYPES: Record<string, SharedObjectType | undefined> = { proposal: 'propal', invoice: 'facture', project: 'project' };
const RECORD_TYPES: Record<string, HostRecordRef['type']> = { propal: 'proposal', facture: 'invoice', project: 'project' };

/** A [timestamp-or-date text, rowid] cursor of this module, or null. */
function keyCursor(cursor: string, pattern: RegExp): [string, number] | null {
  const parts = decodeCursor(cursor);
  if (parts?.length !== 2 || typeof parts[0] !== 'string' || !pattern.test(parts[0]) || typeof parts[1] !== 'number' || parts[1] < 1)
    return null;
  return [parts[0], parts[1]];
}
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The file under the data root, or null when the row's path would leave it (Dolibarr shows such a file as missing too). */
function fileOnDisk(dataRoot: string, row: { filepath: string; filename: string }): string | null {
  const root = path.resolve(dataRoot);
  const file = path.resolve(root, row.filepath, row.filename);
  return file.startsWith(`${root}${path.sep}`) ? file : null;
}

/**
 * The row's file where it is a file under the data root, with its size, as the lists, counts and
 * downloads ask; null when it is missing there (moved or deleted on the Dolibarr server).
 */
export async function fileFound(
  dataRoot: string,
  row: { filepath: string; filename: string },
): Promise<{ path: string; sizeBytes: number } | null> {
  const file = fileOnDisk(dataRoot, row);
  const info = file ? await stat(file).catch(() => null) : null;
  return file && info?.isFile() ? { path: file, sizeBytes: info.size } : null;
}

/**
 * The dashboard's count of a client's shared documents: the files the documents page lists, so
 * a row whose file is missing on disk (moved or deleted on the Dolibarr server) is not counted,
 * as the list leaves it out. History is counted up to SUMMARY_COUNT_LIMIT + 1 rows, newest first;
 * each costs one stat of the data root (about 10 µs), not a read.
 */
export async function sharedDocumentCount(
  db: Knex,
  dataRoot: string,
  args: { entity: number; companyId: number },
): Promise<{ shared: number; attached: { proposal: number; invoice: number; project: number } }> {
  const rows = await sharedFileLocations(db, { ...args, limit: SUMMARY_COUNT_LIMIT + 1 });
  const present = await Promise.all(rows.map((row) => fileFound(dataRoot, row)));
  const counted = rows.filter((_, index) => present[index]);
  return {
    shared: counted.length,
    attached: {
      proposal: counted.filter((row) => row.attached_to === 'proposal').length,
      invoice: counted.filter((row) => row.attached_to === 'invoice').length,
      project: counted.filter((row) => row.attached_to === 'project').length,
    },
  };
}

export function dolibarrDocuments(db: Knex, entityOf: (workspaceId: string) => number | null, dataRoot: string): DocumentsPort {
  const present = async (row: SharedFileRow): Promise<SharedDocument | null> => {
    const found = await fileFound(dataRoot, row);
    if (!found) return null;
    const recordType = RECORD_TYPES[row.src_object_type];
    return {
      id: toHostId(row.rowid),
      name: row.filename,
      contentType: contentTypeOf(row.filename),
      sizeBytes: found.sizeBytes,
      sharedAt: row.date_c ?? new Date(0),
      sharedBy: fullName(row.user_firstname, row.user_lastname) || null,
      record: recordType && row.record_ref ? { type: recordType, id: toHostId(row.src_object_id), label: row.record_ref } : null,
    };
  };
  return {
    async list(workspaceId, clientId, filter, page) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const none = { items: [], next: null };
      if (entity === null || companyId === null) return none;
      let record: { type: SharedObjectType; id: number } | undefined;
      if (filter.record) {
        const type = OBJECT_TYPES[filter.record.type];
        const id = parseId(filter.record.id);
        if (!type || id === null) return none;
        record = { type, id };
      }
      const key = page.after ? keyCursor(page.after, TIMESTAMP) : null;
      if (page.after && !key) return none;
      const limit = clampLimit(page.limit);
      const rows = await listSharedFiles(db, {
        entity,
        companyId,
        ...(record ? { record } : {}),
        ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        ...(key ? { after: { date: key[0], rowid: key[1] } } : {}),
        limit: limit + 1,
      });
      const kept = rows.slice(0, limit);
      const last = kept.at(-1);
      const items = (await Promise.all(kept.map(present))).filter((item): item is SharedDocument => item !== null);
      return { items, next: rows.length > limit && last?.date_key ? encodeCursor([last.date_key, last.rowid]) : null };
    },
    async open(workspaceId, clientId, documentId) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const rowid = parseId(documentId);
      if (entity === null || companyId === null || rowid === null) return null;
      const row = await findSharedFile(db, { entity, companyId, rowid });
      const doc = row ? await present(row) : null;
      const file = row ? fileOnDisk(dataRoot, row) : null;
      if (!doc || !file) return null;
      return documentContent(doc, file, doc.sizeBytes);
    },
  };
}

function presentTask(row: TaskRow): ClientTask {
  return {
    id: toHostId(row.rowid),
    title: row.label,
    description: row.description ?? '',
    dueDate: row.due,
    status: row.done ? 'done' : 'open',
    completedAt: row.done ? row.tms : null,
    record: { type: 'project', id: toHostId(row.fk_projet), label: [row.project_ref, row.project_title].filter(Boolean).join(' ') },
    assignedToContact: row.assigned,
  };
}

export function dolibarrTasks(db: Knex, entityOf: (workspaceId: string) => number | null): TasksPort {
  const scopeOf = contactScope(entityOf);
  return {
    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const none = { items: [], next: null };
      if (!scope) return none;
      const limit = clampLimit(page.limit);
      const search = filter.search ? { matching: containsPattern(filter.search) } : {};
      let rows: TaskRow[];
      let next: string | null = null;
      if (filter.status === 'open') {
        const key = page.after ? keyCursor(page.after, DATE) : null;
        if (page.after && !key) return none;
        rows = await listOpenTasks(db, {
          ...scope,
          ...search,
          ...(key ? { after: { due: key[0], rowid: key[1] } } : {}),
          limit: limit + 1,
        });
        const last = rows[limit - 1];
        if (rows.length > limit && last) next = encodeCursor([last.due ?? '9999-12-31', last.rowid]);
      } else {
        const key = page.after ? keyCursor(page.after, TIMESTAMP) : null;
        if (page.after && !key) return none;
        rows = await listDoneTasks(db, { ...scope, ...search, ...(key ? { after: { at: key[0], rowid: key[1] } } : {}), limit: limit + 1 });
        const last = rows[limit - 1];
        if (rows.length > limit && last?.done_key) next = encodeCursor([last.done_key, last.rowid]);
      }
      return { items: rows.slice(0, limit).map(presentTask), next };
    },
    async find(workspaceId, clientId, contactId, taskId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const rowid = parseId(taskId);
      if (!scope || rowid === null) return null;
      const row = await findTask(db, { ...scope, rowid });
      return row ? presentTask(row) : null;
    },
    async setStatus(workspaceId, clientId, contactId, taskId, status) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const rowid = parseId(taskId);
      if (!scope || rowid === null) return null;
      if (!(await setTaskDone(db, { ...scope, rowid, done: status === 'done' }))) return null;
      const row = await findTask(db, { ...scope, rowid });
      return row ? presentTask(row) : null;
    },
  };
}
