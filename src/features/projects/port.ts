// The host port of client projects (ProjectsPort): what the portal needs from the host CRM for this
// feature, beside the core's ports (src/core/ports/host.ts). A host binding implements it; the
// declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, Page, PageRequest } from '../../core/index.ts';

/** The portal's words for where a project stands; a host maps its own statuses onto them. */
export type ProjectState = 'active' | 'onHold' | 'completed';

export interface ProjectSummary {
  id: HostId;
  /** The number the client quotes ("PJ2611-0002"); the title where the host numbers none. */
  ref: string;
  title: string;
  state: ProjectState;
  /** The host's own name of the status, where it says more than the state; null to say the state. */
  statusLabel: string | null;
  /** 0–100, as the host computes it (done tasks, declared progress); null where it has none. */
  progressPercent: number | null;
  /** 'YYYY-MM-DD', or null. */
  startDate: string | null;
  endDate: string | null;
}

/** A task of a project as the client may see it. */
export interface ProjectTask {
  id: HostId;
  title: string;
  done: boolean;
  progressPercent: number | null;
  /** 'YYYY-MM-DD', or null. */
  dueDate: string | null;
}

/** A phase or milestone of a project, with its tasks. */
export interface ProjectPhase {
  id: HostId;
  name: string;
  progressPercent: number | null;
  startDate: string | null;
  endDate: string | null;
  tasks: ProjectTask[];
}

export interface ProjectDetail extends ProjectSummary {
  description: string;
  /** In the host's order; empty where the host has no phases. */
  phases: ProjectPhase[];
  /** Tasks in no phase (all of them, for a host without phases). */
  tasks: ProjectTask[];
}

/**
 * The projects one person of a client company may see, as the host's own client portal shows them
 * (a host may show a person only public projects and those they are linked to): every query scoped
 * by workspace, client and contact. Listed by state, then newest start first.
 */
export interface ProjectsPort {
  list(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    filter: { state: ProjectState | 'all'; search?: string },
    page: PageRequest,
  ): Promise<Page<ProjectSummary>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<ProjectDetail | null>;
  /**
   * Active projects, for the dashboard: counted up to SUMMARY_COUNT_LIMIT + 1 (a subquery's
   * limit), exactly below it.
   */
  countActive(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<number>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Client projects (claim 'project'); without it the projects section does not exist. */
    projects?: ProjectsPort;
  }
}
