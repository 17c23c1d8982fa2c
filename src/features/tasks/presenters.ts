// View models for the tasks page: due dates in the reader's language, overdue judged against the
// reader's own today (their time zone), and the record or project a task belongs to.
import type { RequestI18n } from '../../core/index.ts';
import type { ClientTask } from './port.ts';

export interface TaskItem {
  id: string;
  domId: string;
  title: string;
  description: string;
  due: string | null;
  overdue: boolean;
  dueToday: boolean;
  completed: string | null;
  record: string | null;
  assignedToYou: boolean;
  done: boolean;
  actionUrl: string;
}

export function presentTask(i18n: RequestI18n, base: string, task: ClientTask, today: string): TaskItem {
  const open = task.status === 'open';
  const id = encodeURIComponent(task.id);
  return {
    id: task.id,
    domId: `task-${task.id.replace(/[^A-Za-z0-9_-]/g, '')}`,
    title: task.title,
    description: task.description,
    due: task.dueDate ? i18n.fmt.day(task.dueDate) : null,
    overdue: open && task.dueDate !== null && task.dueDate < today,
    dueToday: open && task.dueDate === today,
    completed: task.completedAt ? i18n.fmt.dateTime(task.completedAt) : null,
    record: task.record ? i18n.t(`tasks:record.${task.record.type}`, { label: task.record.label }) : null,
    assignedToYou: task.assignedToContact,
    done: !open,
    actionUrl: `${base}/tasks/${id}/${open ? 'done' : 'reopen'}`,
  };
}
