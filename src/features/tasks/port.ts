// The host port of a contact's tasks (TasksPort): what the portal needs from the host CRM for this
// feature, beside the core's ports (src/core/ports/host.ts). A host binding implements it; the
// declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, Page, PageRequest } from '../../core/index.ts';
import type { HostRecordRef } from '../documents/index.ts';

/** The portal's words for a task's state; a host maps its own (in progress is open). */
export type TaskStatus = 'open' | 'done';

export interface ClientTask {
  id: HostId;
  title: string;
  description: string;
  /** 'YYYY-MM-DD', or null. */
  dueDate: string | null;
  status: TaskStatus;
  completedAt: Date | null;
  record: HostRecordRef | null;
  /** True when assigned to this contact; false when visible to the whole company. */
  assignedToContact: boolean;
}

/** Which of a contact's tasks TasksPort.list returns. */
export interface TaskListFilter {
  status: TaskStatus;
  /**
   * Text the list's rows contain, case-insensitive and taken literally (see containsPattern):
   * in the title.
   * Absent, the list is unfiltered. It narrows the list's own statement: no read is added.
   */
  search?: string;
}

/**
 * Tasks a contact sees: those assigned to them and those the host shows their whole company
 * (assigned to no contact). Scoped by workspace, client and contact in every query, so a task
 * reassigned to someone else or deleted is not found, and its status cannot be changed.
 * Open tasks come by due date (none last), done tasks newest completed first.
 */
export interface TasksPort {
  list(workspaceId: HostId, clientId: HostId, contactId: HostId, filter: TaskListFilter, page: PageRequest): Promise<Page<ClientTask>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<ClientTask | null>;
  /** Marks done or reopens; answers the task as it is now, or null when the contact cannot see it. */
  setStatus(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId, status: TaskStatus): Promise<ClientTask | null>;
  /**
   * The statuses setStatus records, where the host records fewer than both (a binding file that
   * declares marking done but no reopening): the portal offers only those. Absent: both.
   */
  settable?: readonly TaskStatus[];
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Tasks (claim 'task'); without it the tasks section does not exist. */
    tasks?: TasksPort;
  }
}
