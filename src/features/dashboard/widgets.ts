// The dashboard's reads: the summary behind the cards and the first rows of each list under them
// (open proposals, quotations and invoices, the latest shared documents, the open tasks by due
// date), the active projects and the ticket counts, only for sections the workspace shows and the
// host has. One read when the host answers
// summaries.forDashboard; otherwise the summary and each list port, in parallel.
import { attachedToOpenRecords, type HostAdapter, type PortalSettings, type RequestI18n, withoutClosedRecord } from '../../core/index.ts';
import type { Appointment } from '../appointments/index.ts';
import type { DashboardAsk, DashboardData } from './port.ts';
import { presentShared, type SharedDocument } from '../documents/index.ts';
import { type ClientTask, presentTask } from '../tasks/index.ts';
import { countedToLimit } from './presenters.ts';

export const WIDGET_ROWS = 5;

export interface WidgetData {
  documents: SharedDocument[] | null;
  tasks: ClientTask[] | null;
  /** Messages from the agency this client user has not read, up to SUMMARY_COUNT_LIMIT and one more; null when messaging is off. */
  unreadMessages: number | null;
}

/** "3 unread messages from us", "More than 1,000 …" past the count limit; null for none. */
const unreadText = (i18n: RequestI18n, unread: number) => (unread === 0 ? null : countedToLimit(i18n, 'messages:widget.unread', unread));

export async function loadDashboard(
  adapter: HostAdapter,
  ids: { workspaceId: string; clientId: string; contactId: string },
  ask: DashboardAsk,
): Promise<DashboardData> {
  const { workspaceId, clientId, contactId } = ids;
  if (adapter.summaries.forDashboard) {
    const data = await adapter.summaries.forDashboard(workspaceId, clientId, contactId, ask);
    // A host whose one read leaves appointments out: the port, on its own.
    if (data.appointments !== undefined) return data;
    return { ...data, appointments: await comingAppointments(adapter, ids, ask) };
  }
  const { offers, invoices, documents, tasks, projects, tickets } = adapter;
  const page = { limit: ask.rows };
  const [summary, proposals, quotations, unpaid, shared, open, activeProjects, ticketCounts, appointments] = await Promise.all([
    adapter.summaries.forClient(workspaceId, clientId, contactId),
    offers && ask.proposals ? offers.list(workspaceId, clientId, 'proposal', { status: ['open'] }, page) : null,
    offers && ask.quotations ? offers.list(workspaceId, clientId, 'quotation', { status: ['open'] }, page) : null,
    invoices && ask.invoices ? invoices.list(workspaceId, clientId, { status: ['open'] }, page) : null,
    documents && ask.documents ? documents.list(workspaceId, clientId, {}, page) : null,
    tasks && ask.tasks ? tasks.list(workspaceId, clientId, contactId, { status: 'open' }, page) : null,
    projects && ask.projects ? projects.countActive(workspaceId, clientId, contactId) : null,
    tickets && ask.tickets ? tickets.counts(workspaceId, clientId, contactId) : null,
    comingAppointments(adapter, ids, ask),
  ]);
  return {
    summary,
    proposals: proposals?.items ?? null,
    quotations: quotations?.items ?? null,
    invoices: unpaid?.items ?? null,
    documents: shared?.items ?? null,
    tasks: open?.items ?? null,
    activeProjects,
    tickets: ticketCounts,
    appointments,
  };
}

/** The next standing appointments (pending, confirmed, moved), when asked and the host keeps them. */
async function comingAppointments(
  adapter: HostAdapter,
  ids: { workspaceId: string; clientId: string; contactId: string },
  ask: DashboardAsk,
): Promise<Appointment[] | null> {
  if (!ask.appointments || !adapter.appointments) return null;
  const page = await adapter.appointments.list(ids.workspaceId, ids.clientId, ids.contactId, 'upcoming', new Date(), {
    limit: ask.rows * 2,
  });
  return page.items.filter((a) => a.status === 'pending' || a.status === 'confirmed' || a.status === 'moved').slice(0, ask.rows);
}

/** The widgets as the person may see them: a document of a record they cannot open is not listed, a task names no such record. */
export function presentWidgets(i18n: RequestI18n, base: string, settings: PortalSettings, data: WidgetData, today: string) {
  return {
    documents: data.documents
      ? { href: `${base}/documents`, items: attachedToOpenRecords(settings, data.documents).map((doc) => presentShared(i18n, base, doc)) }
      : null,
    tasks: data.tasks
      ? { href: `${base}/tasks`, items: data.tasks.map((task) => presentTask(i18n, base, withoutClosedRecord(settings, task), today)) }
      : null,
    messages: data.unreadMessages === null ? null : { href: `${base}/messages`, unread: unreadText(i18n, data.unreadMessages) },
  };
}
