// The dashboard's view model: a greeting and one card per section the workspace shows.
import type { ClientSummary, MoneyTotal } from '../ports/host.ts';
import type { PortalSection } from '../policies/portal-policy.ts';
import { SECTION_LABELS } from '../policies/portal-policy.ts';

export interface DashboardCard {
  section: PortalSection;
  title: string;
  headline: string;
  detail: string | null;
}

export function formatMoney(total: MoneyTotal): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: total.currency }).format(total.cents / 100);
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function greeting(name: string, hour: number): string {
  const first = name.trim().split(/\s+/)[0] || name;
  const part = hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';
  return `${part}, ${first}`;
}

/** The sections that have a dashboard card, in display order. */
export const DASHBOARD_SECTIONS: PortalSection[] = ['proposals', 'quotations', 'invoices', 'tasks', 'documents'];

export function presentCards(summary: ClientSummary, sections: PortalSection[]): DashboardCard[] {
  const cards: Record<string, () => Omit<DashboardCard, 'section' | 'title'>> = {
    proposals: () => ({
      headline: plural(summary.proposals.open, 'proposal awaits your answer', 'proposals await your answer'),
      detail: plural(summary.proposals.total, 'proposal in all', 'proposals in all'),
    }),
    quotations: () => ({
      headline: plural(summary.quotations.open, 'quotation awaits your answer', 'quotations await your answer'),
      detail: plural(summary.quotations.total, 'quotation in all', 'quotations in all'),
    }),
    invoices: () => ({
      headline: plural(summary.invoices.unpaid, 'invoice to pay', 'invoices to pay'),
      detail: summary.invoices.outstanding.length
        ? `Outstanding: ${summary.invoices.outstanding.map(formatMoney).join(' + ')}${summary.invoices.overdue ? ` (${summary.invoices.overdue} overdue)` : ''}`
        : 'Nothing outstanding.',
    }),
    tasks: () => ({ headline: plural(summary.tasks.open, 'open task for you', 'open tasks for you'), detail: null }),
    documents: () => ({ headline: plural(summary.documents.shared, 'shared document', 'shared documents'), detail: null }),
  };
  return DASHBOARD_SECTIONS.filter((section) => sections.includes(section)).map((section) => ({
    section,
    title: SECTION_LABELS[section],
    ...cards[section]!(),
  }));
}
