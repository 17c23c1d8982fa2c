// The staff home page: what needs attention in the workspace.
import { Router } from 'express';
import { dashboardCounts } from '../../queries/dashboard.ts';
import { listInvoices, outstandingByCurrency } from '../../queries/invoices.ts';
import { listTasks } from '../../queries/tasks.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { formatMoney, presentInvoice, presentTask } from '../presenters.ts';
import { render } from '../render.ts';
import type { RouteDeps } from '../routing.ts';

export function dashboardRoutes({ db }: RouteDeps): Router {
  const router = Router();

  router.get('/', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const [counts, outstanding, unpaid, tasks] = await Promise.all([
      dashboardCounts(db, { workspaceId }),
      outstandingByCurrency(db, { workspaceId }),
      listInvoices(db, { workspaceId, statuses: ['overdue', 'sent'], limit: 5 }),
      listTasks(db, { workspaceId, openOnly: true, limit: 5 }),
    ]);
    await render(res, 'dashboard', {
      title: 'Dashboard',
      section: 'dashboard',
      counts: [
        { label: 'Clients', value: counts.clients, href: '/clients' },
        { label: 'Contacts', value: counts.contacts, href: '/contacts' },
        { label: 'Proposals awaiting a decision', value: counts.open_proposals, href: '/proposals' },
        { label: 'Quotations awaiting a decision', value: counts.open_quotations, href: '/quotations' },
        { label: 'Unpaid invoices', value: counts.unpaid_invoices, href: '/invoices' },
        { label: 'Open tasks', value: counts.open_tasks, href: '/tasks' },
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
