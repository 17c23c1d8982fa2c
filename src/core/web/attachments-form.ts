// A portal form with attachments (a message, a new ticket, a ticket reply), read as a stream
// (busboy) straight into the FileStorage port: nothing is held whole in memory. The route has
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
import busboy from 'busboy';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import { ATTACHMENT_FIELD, ATTACHMENT_MAX_FILES, type AttachmentError, attachmentLimitBytes, readHead } from '../files/attachment-rules.ts';
import { detectAllowedType, safeFilename, SNIFF_BYTES } from '../files/file-types.ts';
import { storedUploadBytes } from '../files/usage-queries.ts';
import { HttpError } from '../http/http-error.ts';
import { canClient } from '../policies/portal-policy.ts';
import type { FileStorage, VirusScanner } from '../ports/services.ts';
import { CSRF_MESSAGE, tokensMatch, verifySessionCsrfHeader } from './csrf.ts';
import { markCsrfRetry } from './csrf-retry.ts';
import { typedMultipartName } from './multipart-names.ts';
import { portalContext, portalI18n } from './portal-context.ts';

const ATTACHMENT_PURPOSE = 'message-attachment';

type AttachmentRefusal = AttachmentError | 'messages:errors.attachmentCount' | 'messages:errors.uploadsOff' | 'messages:errors.storageFull';

export interface StoredAttachment {
  id: string;
  filename: string;
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
  translate(key: 'messages:errors.formTooLarge' | 'messages:errors.formUnreadable'): string;
}

class Refused extends Error {
  constructor(readonly refusal: AttachmentRefusal) {
    super(refusal);
  }
}

export async function removeReceived(storage: FileStorage, workspaceId: string, stored: StoredAttachment[]): Promise<void> {
  for (const file of stored) await storage.delete(workspaceId, file.id).catch(() => {});
}

function readAttachmentsForm(req: Request, options: ReceiveAttachmentsOptions): Promise<ReceivedAttachmentsForm> {
  return new Promise<ReceivedAttachmentsForm>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // One byte over the per-file limit is enough to know it is too large.
        limits: { files: ATTACHMENT_MAX_FILES, fields: 10, parts: 15, fieldSize: 64 * 1024, fileSize: options.maxBytes + 1 },
      });
    } catch {
      return reject(new HttpError(400, options.translate('messages:errors.formUnreadable')));
    }
    const fields: Record<string, string> = {};
    const stored: StoredAttachment[] = [];
    const handling: Array<Promise<void>> = [];
    let refusal: AttachmentRefusal | null = null;
    let failure: Error | null = null;
    let csrf: ReceivedAttachmentsForm['csrf'] = options.csrfVerified ? 'ok' : 'missing';
    /** A file came before the token matched: it was dropped, so the form cannot be sent as typed. */
    let fileBeforeToken = false;
    let used = 0;
    let settled = false;
    /** Files being stored: on an abort or a broken body they are ended with an error, so storage undoes them. */
    const open = new Set<Readable>();

    const refuse = (reason: AttachmentRefusal) => {
      refusal ??= reason;
    };
    const finish = async (err: Error | null) => {
      if (settled) return;
      settled = true;
      // A body that will never end never ends its file streams either: end them, or storing waits forever.
      if (err) for (const stream of open) stream.destroy(err);
      await Promise.allSettled(handling);
      const problem = err ?? failure;
      // Nothing of a form whose token did not match is kept.
      if (problem || refusal || csrf !== 'ok') {
        // Refused or broken: nothing of this form stays stored.
        await removeReceived(options.storage, options.workspaceId, stored.splice(0));
      }
      if (problem)
        return reject(problem instanceof HttpError ? problem : new HttpError(400, options.translate('messages:errors.formUnreadable')));
      if (!refusal && options.virusScanner) {
        for (const file of stored) {
          const opened = await options.storage.open(options.workspaceId, file.id);
          const verdict = opened ? await options.virusScanner.scan(opened.content) : { infected: true };
          if (verdict.infected) {
            refuse('messages:errors.attachmentInfected');
            await removeReceived(options.storage, options.workspaceId, stored.splice(0));
            break;
          }
        }
      }
      resolve({ fields, stored, refusal, csrf: csrf === 'ok' && fileBeforeToken ? 'missing' : csrf });
    };

    parser.on('field', (name, value) => {
      if (name === '_csrf' && csrf !== 'ok') csrf = options.csrfMatches(value) ? 'ok' : 'stale';
      if (!(name in fields)) fields[name] = value;
    });
    parser.on('filesLimit', () => refuse('messages:errors.attachmentCount'));
    parser.on('partsLimit', () => (failure ??= new HttpError(413, options.translate('messages:errors.formTooLarge'))));
    parser.on('fieldsLimit', () => (failure ??= new HttpError(413, options.translate('messages:errors.formTooLarge'))));
    parser.on('file', (name, stream, info) => {
      // Empty file inputs arrive as a part without a name; they are no attachment.
      if (csrf !== 'ok' && info.filename) fileBeforeToken = true;
      if (name !== ATTACHMENT_FIELD || !info.filename || refusal || failure || csrf !== 'ok') {
        if (name !== ATTACHMENT_FIELD && name !== '') refuse('messages:errors.attachmentCount');
        stream.resume();
        return;
      }
      if (!options.uploadsAllowed) {
        refuse('messages:errors.uploadsOff');
        stream.resume();
        return;
      }
      const original = typedMultipartName(info.filename);
      open.add(stream);
      handling.push(
        (async () => {
          const truncated = () => (stream as Readable & { truncated?: boolean }).truncated === true;
          try {
            const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
            const { head, done } = await readHead(iterator, SNIFF_BYTES);
            if (head.length === 0) return; // an empty file is no attachment
            const type = await detectAllowedType(head, original, done && !truncated());
            if (!type) throw new Refused('messages:errors.attachmentType');
            const filename = safeFilename(original, type);
            // A workspace with no room left stores nothing, not even an empty row to remove again.
            if (used >= options.remainingBytes) throw new Refused('messages:errors.storageFull');
            let size = 0;
            const count = (chunk: Buffer) => {
              size += chunk.length;
              if (size > options.maxBytes || truncated()) throw new Refused('messages:errors.attachmentSize');
              if (used + size > options.remainingBytes) throw new Refused('messages:errors.storageFull');
            };
            const content = async function* () {
              count(head);
              yield head;
              for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
                count(next.value);
                yield next.value;
              }
              if (truncated()) throw new Refused('messages:errors.attachmentSize');
            };
            const saved = await options.storage.putStream(
              options.workspaceId,
              ATTACHMENT_PURPOSE,
              { filename, contentType: type.mime },
              content(),
            );
            used += saved.sizeBytes;
            stored.push({ id: saved.id, filename, contentType: type.mime, sizeBytes: saved.sizeBytes });
          } catch (err) {
            if (err instanceof Refused) refuse(err.refusal);
            else failure ??= err as Error;
          } finally {
            open.delete(stream);
            // Whatever happened, the rest of this file is read and dropped so busboy can go on.
            stream.resume();
          }
        })(),
      );
    });
    // Listened to for good, not once: busboy may report the next malformed part of what it had
    // already been given, and an error nobody listens to ends the process.
    parser.on('error', (err: Error) => {
      req.unpipe(parser);
      req.resume();
      void finish(err);
    });
    parser.once('close', () => void finish(null));
    req.once('close', () => {
      if (!req.complete) void finish(new HttpError(400, options.translate('messages:errors.formUnreadable')));
    });
    req.pipe(parser);
  });
}

/**
 * The status a refused attachment answers with, written once for every such form: no room left in
 * the workspace is 413, uploads switched off for clients 403, anything else about the file 400.
 */
export function attachmentRefusalStatus(refusal: AttachmentRefusal): 413 | 403 | 400 {
  if (refusal === 'messages:errors.storageFull') return 413;
  if (refusal === 'messages:errors.uploadsOff') return 403;
  return 400;
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
