// The per-record threads listed beside the conversation: comments on the client's proposals,
// quotations and invoices, read through the CommentsPort, each with its unread count for this
// client user. The host ports page their lists, so only the latest records of each kind are
// looked at (THREAD_RECORDS): comments on an older record show on that record's own page.
import type { CommentSubjectType, CommentsPort, HostAdapter, HostComment } from '../ports/host.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import { canSeeSection } from '../policies/portal-policy.ts';

export const THREAD_RECORDS = 5;

export interface RecordThread {
  type: CommentSubjectType;
  id: string;
  label: string;
  comments: HostComment[];
}

export async function listRecordThreads(
  adapter: HostAdapter,
  comments: CommentsPort,
  settings: PortalSettings,
  workspaceId: string,
  clientId: string,
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
  await Promise.all(lists);
  const threads = await Promise.all(subjects.map(async (subject) => ({ ...subject, comments: await comments.list(workspaceId, subject) })));
  return threads.filter((thread) => thread.comments.length > 0);
}

/** Comments someone else wrote after this reader last opened the thread. */
export function unreadComments(thread: RecordThread, contactId: string, readAt: Date | undefined): number {
  return thread.comments.filter((c) => c.authorContactId !== contactId && (!readAt || c.createdAt > readAt)).length;
}

export async function findRecordLabel(adapter: HostAdapter, settings: PortalSettings, workspaceId: string, clientId: string, type: CommentSubjectType, id: string): Promise<string | null> {
  if (type === 'invoice') {
    if (!adapter.invoices || !canSeeSection(settings, 'invoices')) return null;
    const invoice = await adapter.invoices.find(workspaceId, clientId, id);
    return invoice ? invoice.number : null;
  }
  if (!adapter.offers || !canSeeSection(settings, 'proposals')) return null;
  const offer = await adapter.offers.find(workspaceId, clientId, type, id);
  return offer ? `${offer.number} · ${offer.title}` : null;
}
