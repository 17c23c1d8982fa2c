// The tasks page: open and done tabs from the host, mark done and reopen through the adapter.
// A task the host has reassigned or deleted is simply not the contact's any more: the adapter
// answers null and the action is a 404.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  announce,
  clientActor,
  type EventBus,
  type HostAdapter,
  insertClientActivity,
  isFragmentRequest,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  recordLiveEvent,
  renderPortalPage,
  signedInClient,
  withoutClosedRecord,
  listHref,
  mayChangeTasks,
  presentSearch,
} from '../../core/index.ts';
import type { TasksPort, TaskStatus } from './port.ts';
import { TaskId, type TaskActionInput, type TasksQueryInput } from './commands.ts';
import { presentTask } from './presenters.ts';

const TASKS_PAGE_SIZE = 25;

export interface TasksDeps {
  db: Knex;
  adapter: HostAdapter & { tasks: TasksPort };
  bus: EventBus;
  now: () => Date;
  onError: (message: string, err: unknown) => void;
}

export function createTasksHandlers(deps: TasksDeps) {
  const { db, adapter, bus, now } = deps;
  /** Whether the host records a task set to this status (TasksPort.settable). */
  const records = (status: TaskStatus) => adapter.tasks.settable?.includes(status) ?? true;

  async function show(req: Request, res: Response, query: TasksQueryInput) {
    const { workspace, base, settings } = portalContext(res);
    const { user, access } = signedInClient(res);
    const i18n = portalI18n(res);
    const page = await adapter.tasks.list(
      workspace.id,
      user.client_id,
      user.contact_id,
      { status: query.tab, ...(query.q ? { search: query.q } : {}) },
      { limit: TASKS_PAGE_SIZE, after: query.after ?? null },
    );
    // What every link of the list keeps: the tab and the search (a tab's link: its own tab, the same search).
    const here = { tab: query.tab, q: query.q };
    const today = i18n.fmt.isoDay(now());
    renderPortalPage(req, res, 'tasks/index', i18n.t('tasks:title'), {
      tab: query.tab,
      refreshUrl: listHref(`${base}/tasks`, here),
      // A fragment is swapped into a page that already follows the stream.
      live: !isFragmentRequest(req),
      // A task stays the company's to do; the record it names is shown only to whom may open it.
      tasks: page.items.map((task) => presentTask(i18n, base, withoutClosedRecord(settings, task), today)),
      // Seeing a task is one grant of the host's roles; marking it done or reopening it another.
      canChange: mayChangeTasks(access) && records(query.tab === 'open' ? 'done' : 'open'),
      search: presentSearch(query.q, page, listHref(`${base}/tasks`, { tab: query.tab })),
      nextUrl: page.next ? listHref(`${base}/tasks`, { ...here, after: page.next }) : null,
      firstPageUrl: query.after ? listHref(`${base}/tasks`, here) : null,
      tabs: (['open', 'done'] as const).map((tab) => ({
        tab,
        label: i18n.t(`tasks:tabs.${tab}`),
        href: listHref(`${base}/tasks`, { tab, q: query.q }),
        current: tab === query.tab,
      })),
    });
  }

  const change = (status: 'open' | 'done') => async (req: Request, res: Response) => {
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(TaskId, req.params.taskId);
    const task = await adapter.tasks.setStatus(workspace.id, user.client_id, user.contact_id, id, status);
    if (!task) throw notFound('We could not find that task. It may have been reassigned or removed.');
    // The log entry and the live event together; the event reaches open pages of both sides.
    const event = await db.transaction(async (trx) => {
      await insertClientActivity(trx, clientActor(req, res), status === 'done' ? 'task.completed' : 'task.reopened', {
        taskId: task.id,
        title: task.title,
      });
      return recordLiveEvent(trx, {
        type: 'task-changed',
        workspaceId: workspace.id,
        clientId: user.client_id,
        data: { taskId: task.id, status },
      });
    });
    await announce(bus, [event]).catch((err: unknown) => deps.onError('could not announce a live event', err));
    const body = req.body as TaskActionInput;
    const tab = body.tab ?? (status === 'done' ? 'open' : 'done');
    if (isFragmentRequest(req)) return show(req, res, { tab, q: body.q });
    res.redirect(303, listHref(`${base}/tasks`, { tab, q: body.q }));
  };

  return {
    show: (req: Request, res: Response) => show(req, res, res.locals.query as TasksQueryInput),

    /**
     * Only a person the host lets change tasks marks one done or reopens it, and only where the host
     * records that change; to anyone else, or beside such a host, the action does not exist.
     */
    mayChange: (status: TaskStatus) => (_req: Request, res: Response, next: () => void) => {
      if (!mayChangeTasks(signedInClient(res).access) || !records(status)) throw notFound();
      next();
    },
    complete: change('done'),
    reopen: change('open'),
  };
}

export type TasksHandlers = ReturnType<typeof createTasksHandlers>;
