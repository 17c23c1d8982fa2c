// The ZIP a person downloads with their data: JSON files (one per kind, described in README.txt in
// their language) and the files they uploaded, attached and signed. Written as a stream straight
// into the portal's file storage, one stored file opened at a time, so a person with gigabytes of
// uploads costs no more memory than one with none.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ZipFile } from 'yazl';
import { ACTIVITY_EVENTS, isActivityEvent } from '../../core/activity/events.ts';
import type { ClientUserRow } from '../../core/client-users/queries.ts';
import type { Translate } from '../../core/i18n/translations.ts';
import type { CommentsPort, CommentSubjectType, HostComment, HostContact } from '../../core/ports/host.ts';
import type { FileStorage } from '../../core/ports/services.ts';
import { listLiveSessions } from '../../core/sessions/queries.ts';
import { recordOf } from '../../core/activity/records.ts';
import { canOpenRecord } from '../../core/policies/portal-policy.ts';
import type { PortalSettings } from '../../core/settings/portal-settings.ts';
import {
  type ActivityRow,
  personActivity,
  personDecisions,
  personMessages,
  personPayments,
  personSettings,
  personUploads,
} from './personal-data-queries.ts';

const SESSIONS_LISTED = 50;
const COMMENT_SUBJECTS: readonly CommentSubjectType[] = ['proposal', 'quotation', 'invoice'];
const SIGN_IN_EVENTS = new Set([
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_in.locked',
  'sign_in_code.requested',
  'sign_out',
  'two_factor.passed',
  'two_factor.failed',
  'two_factor.locked',
  'session.revoked',
]);

export interface ExportSubject {
  workspaceId: string;
  workspaceName: string;
  user: ClientUserRow;
  contact: HostContact | null;
  roleName: string;
  /** The person's effective settings now: what their access lets them open. */
  settings: PortalSettings;
}

export interface ExportDeps {
  db: Knex;
  storage: FileStorage;
  comments: CommentsPort;
  now: () => Date;
}

/**
 * A name for an entry of the ZIP. Stored names passed safeFilename already; this keeps any path
 * or control character that an older row might hold from making a folder or an odd name.
 */
function zipSafeName(name: string): string {
  const cleaned = [...name]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^\.+/, '_')
    .trim()
    .slice(0, 120);
  return cleaned || 'file';
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
const iso = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);

/** The comments the person wrote, found through the records their activity says they commented on. */
async function authoredComments(deps: ExportDeps, subject: ExportSubject, subjects: Array<{ type: CommentSubjectType; id: string }>) {
  if (subjects.length === 0) return [] as HostComment[];
  const { workspaceId, user } = subject;
  const all = deps.comments.listMany
    ? await deps.comments.listMany(workspaceId, subjects)
    : (await Promise.all(subjects.map((s) => deps.comments.list(workspaceId, s)))).flat();
  return all.filter((comment) => comment.authorContactId === user.contact_id);
}

/**
 * Writes the person's export into storage and resolves with the stored file. A file that cannot be
 * read any more (deleted since) is listed with `"included": false` rather than failing the export.
 */
export async function buildDataExport(deps: ExportDeps, subject: ExportSubject, t: Translate): Promise<{ id: string; sizeBytes: number }> {
  const { db, storage } = deps;
  const { workspaceId, user } = subject;
  const [activity, messages, uploads, decisions, payments, settings, sessions] = await Promise.all([
    personActivity(db, workspaceId, user.id),
    personMessages(db, workspaceId, user.id),
    personUploads(db, workspaceId, user.id),
    personDecisions(db, workspaceId, user.id),
    personPayments(db, workspaceId, user.id),
    personSettings(db, workspaceId, user.id),
    listLiveSessions(db, workspaceId, user.id, deps.now(), SESSIONS_LISTED),
  ]);
  const commentedOn = new Map<string, { type: CommentSubjectType; id: string }>();
  for (const row of activity) {
    const type = row.details?.subjectType;
    const id = row.details?.subjectId;
    if (row.event === 'comment.added' && COMMENT_SUBJECTS.includes(type as CommentSubjectType) && typeof id === 'string')
      commentedOn.set(`${type}:${id}`, { type: type as CommentSubjectType, id });
  }
  const comments = await authoredComments(deps, subject, [...commentedOn.values()]);

  const zip = new ZipFile();
  // A stored file failing mid-way fails the ZIP's stream, and so the store (which then keeps nothing).
  zip.on('error', (err: Error) => (zip.outputStream as unknown as { destroy(e: Error): void }).destroy(err));
  const mtime = deps.now();
  const add = (name: string, content: Buffer) => zip.addBuffer(content, name, { mtime });
  // Stored files are opened when the ZIP reaches them, not before (one open file at a time).
  const addStored = (name: string, fileId: string) =>
    zip.addReadStreamLazy(name, { mtime }, (done) => {
      storage.open(workspaceId, fileId).then(
        (opened) => (opened ? done(null, opened.content) : done(new Error(`stored file ${fileId} is gone`), undefined as never)),
        (err) => done(err, undefined as never),
      );
    });
  const storedExists = async (fileId: string) => {
    const opened = await storage.open(workspaceId, fileId);
    opened?.content.destroy();
    return opened !== null;
  };

  add('README.txt', Buffer.from(`${t('privacy:export.readme', { workspace: subject.workspaceName, at: mtime.toISOString() })}\n`, 'utf8'));
  add(
    'profile.json',
    json({
      email: user.email,
      name: subject.contact?.name ?? null,
      phone: subject.contact?.phone ?? null,
      company: subject.contact?.clientName ?? null,
      role: subject.roleName,
      status: user.status,
      language: user.locale,
      timeZone: user.time_zone,
      invitedAt: iso(user.invited_at),
      createdAt: iso(user.created_at),
      lastSignInAt: iso(user.last_sign_in_at),
      passwordSet: user.password_hash !== null,
      passwordChangedAt: iso(user.password_changed_at),
      twoFactorEnabledAt: iso(settings.twoFactorEnabledAt),
      messageEmails: settings.messageEmails,
    }),
  );
  add(
    'sign-ins.json',
    json({
      openSessions: sessions.map((session) => ({
        signedInAt: session.sess.portal?.signedInAt ?? null,
        expiresAt: iso(session.expire),
        ip: session.sess.portal?.ip ?? null,
        userAgent: session.sess.portal?.userAgent ?? null,
      })),
      history: activity.filter((row) => SIGN_IN_EVENTS.has(row.event)).map(presentActivity),
    }),
  );
  add('activity.json', json(activity.map((row) => presentActivity(withoutClosedRecordNames(subject.settings, row)))));

  const messageEntries = [];
  for (const message of messages) {
    const attachments = [];
    for (const attachment of message.attachments) {
      const path = `attachments/${attachment.id}-${zipSafeName(attachment.filename)}`;
      const included = await storedExists(attachment.file_id);
      if (included) addStored(path, attachment.file_id);
      attachments.push({
        filename: attachment.filename,
        contentType: attachment.content_type,
        sizeBytes: attachment.size_bytes,
        path: included ? path : null,
      });
    }
    messageEntries.push({
      id: message.id,
      conversation: message.conversation_id,
      at: iso(message.created_at),
      body: message.body,
      attachments,
    });
  }
  add('messages.json', json(messageEntries));
  add(
    'comments.json',
    json(comments.map((c) => ({ id: c.id, on: { type: c.subjectType, id: c.subjectId }, at: iso(c.createdAt), body: c.body }))),
  );

  const uploadEntries = [];
  for (const upload of uploads) {
    const path = `uploads/${upload.id}-${zipSafeName(upload.filename)}`;
    const included = await storedExists(upload.file_id);
    if (included) addStored(path, upload.file_id);
    uploadEntries.push({
      filename: upload.filename,
      contentType: upload.content_type,
      sizeBytes: Number(upload.size_bytes),
      at: iso(upload.created_at),
      path: included ? path : null,
    });
  }
  add('uploads.json', json(uploadEntries));

  add(
    'decisions.json',
    json(
      decisions.map((d) => {
        const signature = d.signature_png ? `signatures/${d.id}.png` : null;
        if (d.signature_png && signature) add(signature, d.signature_png);
        return {
          on: { type: d.offer_kind, id: d.offer_id },
          outcome: d.outcome,
          method: d.method,
          at: iso(d.decided_at),
          typedName: d.typed_name,
          email: d.email,
          note: d.note,
          purchaseOrder: d.po_number,
          ip: d.ip,
          userAgent: d.user_agent,
          signature,
          documentAsSigned: d.snapshot,
          documentSha256: d.snapshot_sha256,
        };
      }),
    ),
  );
  add(
    'payments.json',
    json(
      payments.map((p) => ({
        invoice: { id: p.invoice_id, number: p.invoice_number },
        provider: p.provider,
        amount: { cents: Number(p.amount_cents), currency: p.currency },
        status: p.status,
        startedAt: iso(p.created_at),
        completedAt: iso(p.completed_at),
      })),
    ),
  );
  zip.end();

  const day = mtime.toISOString().slice(0, 10);
  return storage.putStream(
    workspaceId,
    'data-export',
    {
      filename: `personal-data-${day}-${createHash('sha256').update(user.id).digest('hex').slice(0, 8)}.zip`,
      contentType: 'application/zip',
    },
    zip.outputStream as AsyncIterable<Buffer>,
  );
}

/** What an entry keeps about a record the person may not open now: what it was and its ids, not its number, title or files. */
const CLOSED_RECORD_KEYS = [
  'kind',
  'subjectType',
  'subjectId',
  'offerId',
  'invoiceId',
  'documentId',
  'uploadId',
  'paymentId',
  'source',
  'outcome',
  'method',
];

/**
 * The person's own activity, as their access stands now: an entry about a record of a section
 * hidden from them says what they did and when, without the record's number, title or file name
 * (the record is governed by its section, as on every page).
 */
function withoutClosedRecordNames(settings: PortalSettings, row: ActivityRow): ActivityRow {
  const record = isActivityEvent(row.event) ? recordOf({ event: row.event, details: row.details ?? {} }) : null;
  if (!record || canOpenRecord(settings, { type: record.kind })) return row;
  const details = Object.fromEntries(Object.entries(row.details ?? {}).filter(([key]) => CLOSED_RECORD_KEYS.includes(key)));
  return { ...row, details };
}

/**
 * An entry of the person's activity. One a staff member made about them (their access changed,
 * their sessions ended) was written from the staff member's request: its IP address, browser and
 * the staff member's name are the staff member's data, not the person's, so the copy says only
 * that the agency did it.
 */
function presentActivity(row: ActivityRow) {
  const { staffId, staffName, ...details } = row.details ?? {};
  const byStaff = staffId !== undefined || staffName !== undefined;
  return {
    at: iso(row.created_at),
    event: row.event,
    description: isActivityEvent(row.event) ? ACTIVITY_EVENTS[row.event] : row.event,
    details: byStaff ? { ...details, by: 'agency staff' } : details,
    ...(row.repeat_count > 1 ? { times: row.repeat_count } : {}),
    ip: byStaff ? null : row.ip,
    userAgent: byStaff ? null : row.user_agent,
  };
}
