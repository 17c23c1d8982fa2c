// View models for the documents page: the host's shared documents and the client's own uploads,
// sizes and dates in the reader's language, the record each belongs to, and what they may do.
import { canDeleteUpload, kindOf, type RequestI18n, UPLOAD_ACCEPT, UPLOAD_KINDS } from '../../core/index.ts';
import type { HostRecordRef, SharedDocument } from './port.ts';
import type { UploadRow } from './queries.ts';

/** What the upload and attachment pickers accept and how their hint names it: file-types.ts's one list. */
export function presentUploadTypes(i18n: RequestI18n): { accept: string; names: string } {
  const names = new Intl.ListFormat(i18n.locale, { style: 'long', type: 'conjunction' }).format(
    UPLOAD_KINDS.map((kind) => i18n.t(`documents:typeNames.${kind}`)),
  );
  return { accept: UPLOAD_ACCEPT, names };
}

export interface DocumentItem {
  name: string;
  /** The name cut after each separator (_ - . space), shown with <wbr> between: a long file name
      wraps there on a phone instead of letter by letter. */
  nameParts: string[];
  kind: string;
  size: string;
  date: string;
  isoDate: string;
  who: string;
  record: string | null;
  downloadUrl: string;
  deleteUrl: string | null;
}

/** "brief_final-v2.pdf" → ["brief_", "final-", "v2.", "pdf"]: where a file name may wrap. */
function fileNameParts(name: string): string[] {
  return name.split(/(?<=[_\-.\s])/).filter((part) => part !== '');
}

const recordKey = (record: { type: string; id: string }) => `${record.type}:${record.id}`;

function recordLabel(i18n: RequestI18n, record: HostRecordRef): string {
  return i18n.t(`documents:record.${record.type}`, { label: record.label });
}

export function presentShared(i18n: RequestI18n, base: string, doc: SharedDocument): DocumentItem {
  return {
    name: doc.name,
    nameParts: fileNameParts(doc.name),
    kind: i18n.t(`documents:kind.${kindOf(doc.contentType)}`),
    size: i18n.fmt.fileSize(doc.sizeBytes),
    date: i18n.fmt.dateTime(doc.sharedAt),
    isoDate: doc.sharedAt.toISOString(),
    who: doc.sharedBy ?? i18n.t('documents:theAgency'),
    record: doc.record ? recordLabel(i18n, doc.record) : null,
    downloadUrl: `${base}/documents/shared/${encodeURIComponent(doc.id)}/download`,
    deleteUrl: null,
  };
}

/** An upload as listed; `mayDelete` says whether this person may delete it (client-actions.ts), before the agency opens it. */
export function presentUpload(i18n: RequestI18n, base: string, upload: UploadRow, mayDelete: boolean): DocumentItem & { opened: boolean } {
  return {
    name: upload.filename,
    nameParts: fileNameParts(upload.filename),
    kind: i18n.t(`documents:kind.${kindOf(upload.content_type)}`),
    size: i18n.fmt.fileSize(upload.size_bytes),
    date: i18n.fmt.dateTime(upload.created_at),
    isoDate: upload.created_at.toISOString(),
    who: upload.uploader_name,
    record: null,
    downloadUrl: `${base}/documents/uploads/${upload.id}/download`,
    deleteUrl: mayDelete && canDeleteUpload(upload) ? `${base}/documents/uploads/${upload.id}/delete` : null,
    opened: upload.staff_opened_at !== null,
  };
}

/** The filter's choices: the records of the documents listed, plus the one chosen. */
export function recordOptions(i18n: RequestI18n, docs: SharedDocument[], selected: string | null) {
  const seen = new Map<string, string>();
  for (const doc of docs) if (doc.record) seen.set(recordKey(doc.record), recordLabel(i18n, doc.record));
  if (selected && !seen.has(selected)) seen.set(selected, selected);
  return [...seen].map(([value, label]) => ({ value, label, selected: value === selected }));
}
