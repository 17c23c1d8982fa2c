// A portal form with attachments (a message, a new ticket, a ticket reply), read as a stream
// (readMultipart) straight into the FileStorage port: nothing is held whole in memory. The route has
// already checked, before a byte of the body was read, that the person may write such a form at
// all. The CSRF token is checked here, as the form's first field (or the htmx header), before a
// byte of any file is stored: a file that comes before a matching token is not kept. This reads
// the fields and, for each file, sniffs its first bytes for the type, names it (safeFilename) and
// streams the rest into storage behind a counter that stops it at the per-file limit and at what
// the workspace's storage quota has left. A refused attachment (type, size, count, uploads off,
// quota, virus) leaves nothing stored and is reported as an i18n key, so the handler can show the
// form again with what was typed (attachmentRefusalStatus says with which status); the rest of
// the body is read and dropped. A form that cannot be read at all is an HttpError. Whatever is
// stored is the handler's to record or remove (removeReceived for a form that is not sent).
// One reader for every such form, so the upload rules cannot drift apart between them.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { ATTACHMENT_FIELD, ATTACHMENT_MAX_FILES, type AttachmentError, attachmentLimitBytes, readHead } from '../files/attachment-rules.ts';
import { detectAllowedType, safeFilename, SNIFF_BYTES, sentFilename } from '../files/file-types.ts';
import { storedUploadBytes } from '../files/usage-queries.ts';
import { HttpError } from '../http/http-error.ts';
import { canClient } from '../policies/portal-policy.ts';
import type { FileStorage, VirusScanner } from '../ports/services.ts';
import { CSRF_MESSAGE, tokensMatch, verifySessionCsrfHeader } from './csrf.ts';
import { markCsrfRetry } from './csrf-retry.ts';
import { type MultipartField, type MultipartFile, readMultipart } from './read-multipart.ts';
import { portalContext, portalI18n } from './portal-context.ts';

const ATTACHMENT_PURPOSE = 'message-attachment';

type AttachmentRefusal =
  | AttachmentError
  | 'common:attachments.attachmentCount'
  | 'common:attachments.uploadsOff'
  | 'common:attachments.storageFull';

export interface StoredAttachment {
  id: string;
  filename: string;
  /** The name as sent (sentFilename), for a host that keeps the file and names it its own way. */
  sentName: string;
  contentType: string;
  sizeBytes: number;
}

export interface ReceivedAttachmentsForm {
  fields: Record<string, string>;
  stored: StoredAttachment[];
  refusal: AttachmentRefusal | null;
  /**
   * 'ok': the header or a field before any file matched; 'stale': a token came, but not this
   * session's (signed in or out in another tab); 'missing': none came before the files.
   */
  csrf: 'ok' | 'stale' | 'missing';
}

interface ReceiveAttachmentsOptions {
  workspaceId: string;
  storage: FileStorage;
  /** Per file. */
  maxBytes: number;
  uploadsAllowed: boolean;
  /** What the workspace may still store; files past it are refused with storageFull. */
  remainingBytes: number;
  /** True when the request's htmx header already carried this session's token. */
  csrfVerified: boolean;
  csrfMatches(token: string): boolean;
  virusScanner?: VirusScanner | undefined;
  /** i18n keys for forms that cannot be read at all. */
  translate(key: 'common:attachments.formTooLarge' | 'common:attachments.formUnreadable'): string;
}

class Refused extends Error {
  constructor(readonly refusal: AttachmentRefusal) {
    super(refusal);
  }
}

export async function removeReceived(storage: FileStorage, workspaceId: string, stored: readonly StoredAttachment[]): Promise<void> {
  for (const file of stored) await storage.delete(workspaceId, file.id).catch(() => {});
}

/**
 * The failure handler of work done with files just received (`.catch(removeReceivedOnFailure(…))`):
 * the files go, so a failure leaves none stored for nothing, and the failure is passed on.
 */
export function removeReceivedOnFailure(storage: FileStorage, workspaceId: string, stored: readonly StoredAttachment[]) {
  return async (err: unknown): Promise<never> => {
    await removeReceived(storage, workspaceId, stored);
    throw err;
  };
}

/**
 * The CSRF state of what the form sent so far: 'ok' once the header or a `_csrf` field matched;
 * each later `_csrf` field counts only while none has matched yet.
 */
function csrfOf(fields: readonly MultipartField[], options: ReceiveAttachmentsOptions): ReceivedAttachmentsForm['csrf'] {
  let csrf: ReceivedAttachmentsForm['csrf'] = options.csrfVerified ? 'ok' : 'missing';
  for (const field of fields) if (field.name === '_csrf' && csrf !== 'ok') csrf = options.csrfMatches(field.value) ? 'ok' : 'stale';
  return csrf;
}

async function readAttachmentsForm(req: Request, options: ReceiveAttachmentsOptions): Promise<ReceivedAttachmentsForm> {
  const stored: StoredAttachment[] = [];
  let refusal: AttachmentRefusal | null = null;
  let failure: Error | null = null;
  /** A file came before the token matched: it was dropped, so the form cannot be sent as typed. */
  let fileBeforeToken = false;
  let used = 0;
  const refuse = (reason: AttachmentRefusal) => {
    refusal ??= reason;
  };
  const tooLarge = () => new HttpError(413, options.translate('common:attachments.formTooLarge'));

  const storeFile = async (file: MultipartFile) => {
    const { stream } = file;
    const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const { head, done } = await readHead(iterator, SNIFF_BYTES);
    if (head.length === 0) return; // an empty file is no attachment
    const type = await detectAllowedType(head, file.filename, done && !file.truncated);
    if (!type) throw new Refused('common:attachments.attachmentType');
    const filename = safeFilename(file.filename, type);
    // A workspace with no room left stores nothing, not even an empty row to remove again.
    if (used >= options.remainingBytes) throw new Refused('common:attachments.storageFull');
    let size = 0;
    const count = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes || file.truncated) throw new Refused('common:attachments.attachmentSize');
      if (used + size > options.remainingBytes) throw new Refused('common:attachments.storageFull');
    };
    const content = async function* () {
      count(head);
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        count(next.value);
        yield next.value;
      }
      if (file.truncated) throw new Refused('common:attachments.attachmentSize');
    };
    const saved = await options.storage.putStream(options.workspaceId, ATTACHMENT_PURPOSE, { filename, contentType: type.mime }, content());
    used += saved.sizeBytes;
    stored.push({
      id: saved.id,
      filename,
      sentName: sentFilename(file.filename, type),
      contentType: type.mime,
      sizeBytes: saved.sizeBytes,
    });
  };

  const form = await readMultipart(req, {
    // One byte over the per-file limit is enough to know it is too large.
    limits: { files: ATTACHMENT_MAX_FILES, fields: 10, parts: 15, fieldSize: 64 * 1024, fileSize: options.maxBytes + 1 },
    onRefusal(reading) {
      if (reading.kind === 'tooManyFiles') refuse('common:attachments.attachmentCount');
      if (reading.kind === 'tooManyParts' || reading.kind === 'tooManyFields') failure ??= tooLarge();
    },
    async onFile(file, progress) {
      const csrf = csrfOf(progress.fields, options);
      // Empty file inputs arrive as a part without a file name; they are no attachment.
      if (csrf !== 'ok' && file.filename) fileBeforeToken = true;
      if (file.name !== ATTACHMENT_FIELD) return refuse('common:attachments.attachmentCount');
      if (!file.filename || refusal || failure || csrf !== 'ok') return;
      if (!options.uploadsAllowed) return refuse('common:attachments.uploadsOff');
      try {
        await storeFile(file);
      } catch (err) {
        // A file the reader broke off (the request went away, the body broke) is the form's failure, not this file's.
        if (progress.signal.aborted) return;
        if (err instanceof Refused) refuse(err.refusal);
        else failure ??= err as Error;
      }
    },
  }).catch(async (err: unknown) => {
    await removeReceived(options.storage, options.workspaceId, stored.splice(0));
    throw err;
  });

  const csrf = csrfOf(form.fields, options);
  const problem =
    form.status === 'read' || form.status === 'stopped'
      ? failure
      : new HttpError(400, options.translate('common:attachments.formUnreadable'));
  // Refused, broken or without a matching token: nothing of this form stays stored.
  if (problem || refusal || csrf !== 'ok') await removeReceived(options.storage, options.workspaceId, stored.splice(0));
  if (problem) throw problem instanceof HttpError ? problem : new HttpError(400, options.translate('common:attachments.formUnreadable'));
  if (!refusal && options.virusScanner) {
    for (const file of stored) {
      const opened = await options.storage.open(options.workspaceId, file.id);
      const verdict = opened ? await options.virusScanner.scan(opened.content) : { infected: true };
      if (verdict.infected) {
        refuse('common:attachments.attachmentInfected');
        await removeReceived(options.storage, options.workspaceId, stored.splice(0));
        break;
      }
    }
  }
  const fields: Record<string, string> = {};
  for (const field of form.fields) if (!(field.name in fields)) fields[field.name] = field.value;
  return { fields, stored, refusal, csrf: csrf === 'ok' && fileBeforeToken ? 'missing' : csrf };
}

/**
 * The status a refused attachment answers with, written once for every such form: no room left in
 * the workspace is 413, uploads switched off for clients 403, anything else about the file 400.
 */
export function attachmentRefusalStatus(refusal: AttachmentRefusal): 413 | 403 | 400 {
  if (refusal === 'common:attachments.storageFull') return 413;
  if (refusal === 'common:attachments.uploadsOff') return 403;
  return 400;
}

/**
 * A refused attachment's message in the reader's language, written once for every such form: the
 * size refusal's text names the limit (the workspace's, at most ATTACHMENT_MAX_BYTES) and would
 * show "{{mb}}" where a form translated the key without it.
 */
export function attachmentRefusalMessage(res: Response, refusal: AttachmentRefusal): string {
  const { settings } = portalContext(res);
  return portalI18n(res).t(refusal, { mb: attachmentLimitBytes(settings.maxUploadMb) / (1024 * 1024) });
}

export interface AttachmentsFormDeps {
  db: Knex;
  storage: FileStorage;
  virusScanner?: VirusScanner | undefined;
  /** config.workspaceStorageQuotaBytes: what the workspace's uploads may add up to. */
  storageQuotaBytes: number;
}

/**
 * A signed-in client's form with files, read under the workspace's upload rules (its switch, its
 * per-file limit, what its quota has left, the scanner); its fields and the stored files become
 * req.body (`attachments`). A form without a token before its files is refused (403); a stale
 * token marks the request so validateBody shows the form again, its files not kept.
 */
export async function receiveAttachmentsForm(req: Request, res: Response, deps: AttachmentsFormDeps): Promise<ReceivedAttachmentsForm> {
  const { workspace, settings } = portalContext(res);
  const { t } = portalI18n(res);
  const uploadsAllowed = canClient(settings, 'upload_file');
  const remainingBytes = uploadsAllowed ? deps.storageQuotaBytes - (await storedUploadBytes(deps.db, workspace.id)) : 0;
  const received = await readAttachmentsForm(req, {
    workspaceId: workspace.id,
    storage: deps.storage,
    maxBytes: attachmentLimitBytes(settings.maxUploadMb),
    uploadsAllowed,
    remainingBytes,
    csrfVerified: verifySessionCsrfHeader(req),
    csrfMatches: (token) => tokensMatch(req.session.csrfToken, token),
    virusScanner: deps.virusScanner,
    translate: (key) => t(key),
  });
  // This path's CSRF check is here, not before the route (the token is inside the body).
  if (received.csrf === 'missing') throw new HttpError(403, CSRF_MESSAGE);
  if (received.csrf === 'stale') markCsrfRetry(req, t('common:csrfRetry'));
  req.body = { ...received.fields, attachments: received.stored };
  return received;
}
