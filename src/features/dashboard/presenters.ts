// The dashboard's view model: a greeting and one card per section the workspace shows, in the
// reader's language, money in each total's own currency.
import { type PortalSection, type RequestI18n, SUMMARY_COUNT_LIMIT } from '../../core/index.ts';
import type { ClientSummary } from './port.ts';

/** A line under a card's headline; a figure in it is a link to what it counts. */
interface CardDetail {
  text: string;
  href: string | null;
}

export interface DashboardCard {
  section: PortalSection;
  title: string;
  headline: string;
  /** The list of exactly the items the headline counts (open proposals, unpaid invoices, …). */
  href: string;
  /** Said on one line under the headline, each part linked to its own list where it has a figure. */
  details: CardDetail[];
}

/** Where each card's count leads: its list, filtered to what the count counts. */
function countedListHref(base: string, section: PortalSection): string {
  const filtered: Partial<Record<PortalSection, string>> = {
    proposals: 'proposals?status=open',
    quotations: 'quotations?status=open',
    // "Unpaid" counts open invoices, part-paid and overdue ones included: the list's open filter.
    invoices: 'invoices?status=open',
    tasks: 'tasks?tab=open',
    projects: 'projects?tab=active',
    tickets: 'tickets?tab=open',
    documents: 'documents',
  };
  return `${base}/${filtered[section] ?? section}`;
}

/** Good morning / afternoon / evening by the hour in the reader's time zone. */
export function greeting(i18n: RequestI18n, name: string, now: Date): string {
  const first = name.trim().split(/\s+/)[0] || name;
  const hour = i18n.fmt.hourOf(now);
  const part = hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
  return i18n.t(`dashboard:greeting.${part}`, { name: first });
}

/** The sections that have a dashboard card, in display order. */
const DASHBOARD_SECTIONS: PortalSection[] = ['proposals', 'quotations', 'invoices', 'tasks', 'projects', 'tickets', 'documents'];

/** The summary as the person sees it: documents counted for them, or null when too many to count for them. */
export type PersonSummary = Omit<ClientSummary, 'documents'> & {
  documents: { shared: number | null };
  projects: { active: number };
  /** Open tickets and those waiting on the client, where the host keeps tickets and the person sees them. */
  tickets?: { open: number; waiting: number } | null;
};

/**
 * A count of the dashboard's, counted to SUMMARY_COUNT_LIMIT and one more: `key` with the count,
 * or past the limit `${key}More`, "More than 1,000 …". History, what is open (offers, invoices,
 * tasks, projects, tickets), unread messages.
 */
export function countedToLimit(i18n: RequestI18n, key: string, count: number): string {
  return count > SUMMARY_COUNT_LIMIT ? i18n.t(`${key}More`, { limit: i18n.fmt.number(SUMMARY_COUNT_LIMIT) }) : i18n.t(key, { count });
}

export function presentCards(i18n: RequestI18n, base: string, summary: PersonSummary, sections: PortalSection[]): DashboardCard[] {
  const { t, fmt } = i18n;
  // What is outstanding is the balance of the unpaid invoices (the open filter); the overdue ones
  // are the list's overdue filter, which the host answers by the same day it counted them. Past
  // the count limit the host added up only part of them: no sum, no count, only the lists.
  const outstanding = (): CardDetail[] => {
    if (summary.invoices.unpaid > SUMMARY_COUNT_LIMIT) {
      return [
        { text: t('dashboard:cards.outstandingUncounted'), href: `${base}/invoices?status=open` },
        { text: t('dashboard:cards.overdueUncounted'), href: `${base}/invoices?status=overdue` },
      ];
    }
    if (!summary.invoices.outstanding.length) return [{ text: t('dashboard:cards.nothingOutstanding'), href: null }];
    const amounts = summary.invoices.outstanding.map((total) => fmt.money(total.cents, total.currency)).join(' + ');
    return [
      { text: t('dashboard:cards.outstanding', { amounts }), href: `${base}/invoices?status=open` },
      ...(summary.invoices.overdue
        ? [{ text: t('dashboard:cards.overdue', { count: summary.invoices.overdue }), href: `${base}/invoices?status=overdue` }]
        : []),
    ];
  };
  // "In all" is the whole list: every status the client sees.
  const inAll = (section: 'proposals' | 'quotations', key: string, count: number): CardDetail[] => [
    { text: countedToLimit(i18n, key, count), href: `${base}/${section}` },
  ];
  const cards: Record<string, () => Omit<DashboardCard, 'section' | 'title' | 'href'>> = {
    proposals: () => ({
      headline: countedToLimit(i18n, 'dashboard:cards.proposalsOpen', summary.proposals.open),
      details: inAll('proposals', 'dashboard:cards.proposalsTotal', summary.proposals.total),
    }),
    quotations: () => ({
      headline: countedToLimit(i18n, 'dashboard:cards.quotationsOpen', summary.quotations.open),
      details: inAll('quotations', 'dashboard:cards.quotationsTotal', summary.quotations.total),
    }),
    invoices: () => ({ headline: countedToLimit(i18n, 'dashboard:cards.invoicesUnpaid', summary.invoices.unpaid), details: outstanding() }),
    tasks: () => ({ headline: countedToLimit(i18n, 'dashboard:cards.tasksOpen', summary.tasks.open), details: [] }),
    projects: () => ({ headline: countedToLimit(i18n, 'dashboard:cards.projectsActive', summary.projects.active), details: [] }),
    tickets: () => ({
      headline: countedToLimit(i18n, 'dashboard:cards.ticketsOpen', summary.tickets?.open ?? 0),
      details: summary.tickets?.waiting
        ? [{ text: countedToLimit(i18n, 'dashboard:cards.ticketsWaiting', summary.tickets.waiting), href: `${base}/tickets?tab=open` }]
        : [],
    }),
    documents: () => ({
      headline:
        summary.documents.shared === null
          ? t('dashboard:cards.documentsUncounted')
          : countedToLimit(i18n, 'dashboard:cards.documentsShared', summary.documents.shared),
      details: [],
    }),
  };
  return DASHBOARD_SECTIONS.filter((section) => sections.includes(section) && (section !== 'tickets' || summary.tickets)).map(
    (section) => ({
      section,
      title: t(`common:nav.${section}`),
      href: countedListHref(base, section),
      ...cards[section]!(),
    }),
  );
}
