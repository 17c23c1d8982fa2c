// Client satisfaction on the staff side, for a host without staff pages of its own to show it on
// (the standalone server beside Dolibarr) and for every agency at a glance: each company's answers
// to the tickets' satisfaction surveys the portal keeps, how many and their average, most answers
// first. Each answer, with its ticket and rating, is also in the activity log. A host that keeps
// surveys itself (Alga) shows them in its own screens; the page says so.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { clientNamesOf, type HostAdapter, renderAdminPage, staffContext } from '../../core/index.ts';
import { workspaceTicketRatings } from '../tickets/index.ts';

/** Companies listed at most; the rest are the fewest answers. */
const COMPANIES_SHOWN = 200;

export function createSatisfactionHandlers(deps: { db: Knex; adapter: HostAdapter }) {
  const { db, adapter } = deps;
  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = staffContext(res);
      const { t, fmt } = i18n;
      const hostKeeps = Boolean(adapter.tickets?.surveys);
      const rows = hostKeeps ? [] : await workspaceTicketRatings(db, workspace.id, COMPANIES_SHOWN);
      const names = await clientNamesOf(
        adapter.clients,
        workspace.id,
        rows.map((row) => row.client_id),
      );
      renderAdminPage(req, res, 'admin/satisfaction', t('admin:satisfaction.title'), {
        hostKeeps,
        activityUrl: `${base}/activity`,
        companies: rows.map((row) => ({
          name: names.get(row.client_id) ?? t('admin:uploads.formerClient'),
          count: fmt.number(row.count),
          average: t('admin:satisfaction.outOf', { average: row.average.toFixed(1), scale: 5 }),
          latest: fmt.dateTime(row.latest),
        })),
      });
    },
  };
}
