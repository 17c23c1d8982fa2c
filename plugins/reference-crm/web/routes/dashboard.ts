// The staff home page: what needs attention in the workspace.
import { Router } from 'express';
import { SUMMARY_COUNT_LIMIT } from '../../../../src/index.ts';
import { dashboardCounts } from '../../queries/dashboard.ts';
import { listInvoices, outstandingByCurrency } from '../../queries/invoices.ts';
import { listTasks } from '../../queries/tasks.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { formatCountUpTo, formatMoney, presentInvoice, presentTask } from '../presenters.ts';
import { render } from '../render.ts';
import type { RouteDeps } from '../routing.ts';

export function dashboardRoutes({ db }: RouteDeps): Router {
  const router = Router();

  router.get('/', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const [counts, outstanding, unpaid, tasks] = await Promise.all([
      // Counted as the portal's dashboard counts: to its limit and one more, which says "more than".
      dashboardCounts(db, { workspaceId, countLimit: SUMMARY_COUNT_LIMIT + 1 }),
      outstandingByCurrency(db, { workspaceId }),
      listInvoices(db, { workspaceId, statuses: ['overdue', 'sent'], limit: 5 }),
      listTasks(db, { workspaceId, openOnly: true, limit: 5 }),
    ]);
    const shown = (count: number) => formatCountUpTo(count, SUMMARY_COUNT_LIMIT);
    await render(res, 'dashboard', {
      title: 'Dashboard',
      section: 'dashboard',
      counts: [
        { label: 'Clients', value: shown(counts.clients), href: '/clients' },
        { label: 'Contacts', value: shown(counts.contacts), href: '/contacts' },
        { label: 'Proposals awaiting a decision', value: shown(counts.open_proposals), href: '/proposals' },
        { label: 'Quotations awaiting a decision', value: shown(counts.open_quotations), href: '/quotations' },
        { label: 'Unpaid invoices', value: shown(counts.unpaid_invoices), href: '/invoices' },
        { label: 'Open tasks', value: shown(counts.open_tasks), href: '/tasks' },
      ],
      outstanding: outstanding.map((row) => ({
        amount: formatMoney(row.outstanding_cents, row.currency),
        currency: row.currency,
        invoices: row.invoice_count,
      })),
      invoices: unpaid.map(presentInvoice),
      tasks: tasks.map(presentTask),
    });
  });

  return router;
}
