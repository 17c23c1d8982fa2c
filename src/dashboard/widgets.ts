// The dashboard's lists under the cards: the latest documents the agency shared, the open tasks
// by due date and the unread messages, each linking to its page. One call per widget (a host
// port, or one count for messages), only for sections the workspace shows and the host has.
import type { ClientTask, HostAdapter, SharedDocument } from '../ports/host.ts';
import type { PortalSection } from '../policies/portal-policy.ts';
import type { RequestI18n } from '../i18n/request-i18n.ts';
import { presentShared } from '../documents/presenters.ts';
import { presentTask } from '../tasks/presenters.ts';

export const WIDGET_ROWS = 5;

export interface WidgetData {
  documents: SharedDocument[] | null;
  tasks: ClientTask[] | null;
  /** Messages from the agency this client user has not read; null when messaging is off. */
  unreadMessages: number | null;
}

export async function loadWidgets(
  adapter: HostAdapter,
  args: { workspaceId: string; clientId: string; contactId: string; sections: PortalSection[] },
  countUnread?: () => Promise<number>,
): Promise<WidgetData> {
  const { documents, tasks } = adapter;
  const [docs, open, unread] = await Promise.all([
    documents && args.sections.includes('documents') ? documents.list(args.workspaceId, args.clientId, {}, { limit: WIDGET_ROWS }) : null,
    tasks && args.sections.includes('tasks') ? tasks.list(args.workspaceId, args.clientId, args.contactId, { status: 'open' }, { limit: WIDGET_ROWS }) : null,
    countUnread && args.sections.includes('messages') ? countUnread() : null,
  ]);
  return { documents: docs?.items ?? null, tasks: open?.items ?? null, unreadMessages: unread };
}

export function presentWidgets(i18n: RequestI18n, base: string, data: WidgetData, today: string) {
  return {
    documents: data.documents ? { href: `${base}/documents`, items: data.documents.map((doc) => presentShared(i18n, base, doc)) } : null,
    tasks: data.tasks ? { href: `${base}/tasks`, items: data.tasks.map((task) => presentTask(i18n, base, task, today)) } : null,
    messages: data.unreadMessages === null ? null : { href: `${base}/messages`, unread: data.unreadMessages },
  };
}
