// The client activity log: sign-ins, invitations, account changes and access changes, newest first.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  badRequest,
  findClientUsersByIds,
  type HostAdapter,
  type HostContact,
  listActivity,
  notFound,
  renderAdminPage,
  staffContext,
} from '../../core/index.ts';
import type { ActivityQueryInput } from './commands.ts';
import { presentActivity, presentClientOptions, presentEventOptions, presentPagination } from './presenters.ts';

const ACTIVITY_PAGE_SIZE = 25;

export function createActivityHandlers(deps: { db: Knex; adapter: HostAdapter }) {
  const { db, adapter } = deps;

  return {
    list: async (req: Request, res: Response) => {
      const { client, event, page } = res.locals.query as ActivityQueryInput;
      const { workspace, base } = staffContext(res);
      if (client && !(await adapter.clients.findById(workspace.id, client))) throw notFound('We could not find that client.');

      const { rows, total, totalCapped } = await listActivity(
        db,
        workspace.id,
        { clientId: client, event },
        {
          limit: ACTIVITY_PAGE_SIZE,
          offset: (page - 1) * ACTIVITY_PAGE_SIZE,
        },
      );
      const pagination = presentPagination({
        path: `${base}/activity`,
        filters: { client, event },
        page,
        pageSize: ACTIVITY_PAGE_SIZE,
        total,
        totalCapped,
      });
      if (page > pagination.totalPages) {
        throw badRequest(staffContext(res).i18n.t('admin:activity.noSuchPage', { page, count: pagination.totalPages }));
      }

      // Names come from the host: the contacts behind this page's client users, looked up by id.
      const pageUserIds = rows.flatMap((row) => (row.client_user_id ? [row.client_user_id] : []));
      const [clients, users] = await Promise.all([adapter.clients.list(workspace.id), findClientUsersByIds(db, workspace.id, pageUserIds)]);
      const usersById = new Map(users.map((user) => [user.id, user]));
      const contactIds = [
        ...new Set(rows.flatMap((row) => (row.client_user_id ? [usersById.get(row.client_user_id)?.contact_id] : []))),
      ].filter((id): id is string => Boolean(id));
      const contacts = await Promise.all(contactIds.map((id) => adapter.contacts.findById(workspace.id, id)));

      const words = staffContext(res).i18n;
      renderAdminPage(req, res, 'admin/activity', words.t('admin:activity.title'), {
        entries: presentActivity(
          rows,
          {
            usersById,
            contactsById: new Map(contacts.filter((c): c is HostContact => c !== null).map((c) => [c.id, c])),
            clientsById: new Map(clients.map((c) => [c.id, c])),
          },
          words,
        ),
        clientOptions: presentClientOptions(clients, client),
        eventOptions: presentEventOptions(event, words.t),
        filtered: Boolean(client || event),
        pagination,
      });
    },
  };
}
