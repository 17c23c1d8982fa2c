// The per-record threads listed beside the conversation: comments on the client's proposals,
// quotations, invoices and requests, read through the CommentsPort, each with its unread count for this
// client user. The host ports page their lists, so only the latest records of each kind are
// looked at (THREAD_RECORDS): comments on an older record show on that record's own page.
import { canSeeSection, type HostAdapter, type PortalSettings } from '../../core/index.ts';
import type { CommentSubjectType, HostComment } from './port.ts';
import type { Knex } from 'knex';
import type { LiveCommentsPort } from './comments/live-comments.ts';
import { markThreadReadAt } from './queries.ts';

const THREAD_RECORDS = 5;

export interface RecordThread {
  type: CommentSubjectType;
  id: string;
  label: string;
  comments: HostComment[];
}

export async function listRecordThreads(
  adapter: HostAdapter,
  comments: LiveCommentsPort,
  settings: PortalSettings,
  workspaceId: string,
  clientId: string,
  contactId: string,
): Promise<RecordThread[]> {
  const subjects: Array<{ type: CommentSubjectType; id: string; label: string }> = [];
  const lists: Array<Promise<void>> = [];
  if (adapter.offers && canSeeSection(settings, 'proposals')) {
    for (const kind of ['proposal', 'quotation'] as const) {
      lists.push(
        adapter.offers.list(workspaceId, clientId, kind, {}, { limit: THREAD_RECORDS }).then((page) => {
          for (const offer of page.items) subjects.push({ type: kind, id: offer.id, label: `${offer.number} · ${offer.title}` });
        }),
      );
    }
  }
  if (adapter.invoices && canSeeSection(settings, 'invoices')) {
    lists.push(
      adapter.invoices.list(workspaceId, clientId, {}, { limit: THREAD_RECORDS }).then((page) => {
        for (const invoice of page.items) subjects.push({ type: 'invoice', id: invoice.id, label: invoice.number });
      }),
    );
  }
  // The requests this person may open (a host may show each person only theirs), where the agency
  // reads their threads on its own page (staffReadsThread) and the port keeps them.
  if (adapter.requests?.staffReadsThread && canSeeSection(settings, 'requests') && comments.covers('request')) {
    lists.push(
      adapter.requests.list(workspaceId, clientId, contactId, {}, { limit: THREAD_RECORDS }).then((page) => {
        for (const request of page.items) subjects.push({ type: 'request', id: request.id, label: `${request.ref} · ${request.title}` });
      }),
    );
  }
  await Promise.all(lists);
  if (subjects.length === 0) return [];
  let threads: RecordThread[];
  if (comments.listMany) {
    // One query for every listed record's comments, grouped here.
    const all = await comments.listMany(
      workspaceId,
      subjects.map(({ type, id }) => ({ type, id })),
    );
    const bySubject = new Map<string, HostComment[]>();
    for (const comment of all) {
      const key = `${comment.subjectType}:${comment.subjectId}`;
      const list = bySubject.get(key);
      if (list) list.push(comment);
      else bySubject.set(key, [comment]);
    }
    threads = subjects.map((subject) => ({ ...subject, comments: bySubject.get(`${subject.type}:${subject.id}`) ?? [] }));
  } else {
    threads = await Promise.all(subjects.map(async (subject) => ({ ...subject, comments: await comments.list(workspaceId, subject) })));
  }
  return threads.filter((thread) => thread.comments.length > 0);
}

/** Comments someone else wrote after this reader last opened the thread. */
export function unreadComments(thread: RecordThread, contactId: string, readAt: Date | undefined): number {
  return thread.comments.filter((c) => c.authorContactId !== contactId && (!readAt || c.createdAt > readAt)).length;
}

/** The record's own page, where its comment thread is shown (and read). */
export function recordHref(base: string, type: CommentSubjectType, id: string): string {
  const section = type === 'request' ? 'requests/mine' : `${type}s`;
  return `${base}/${section}/${encodeURIComponent(id)}#comments`;
}

/**
 * For a record's detail page: its comment thread is read by this client user up to now, so the
 * thread's unread count beside the conversation drops.
 */
export function markRecordThreadRead(
  db: Knex,
  workspaceId: string,
  clientId: string,
  clientUserId: string,
  type: CommentSubjectType,
  id: string,
  at: Date,
): Promise<void> {
  return markThreadReadAt(db, workspaceId, clientId, { side: 'client', id: clientUserId }, `${type}:${id}`, at);
}
