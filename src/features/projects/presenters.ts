// View models for the projects pages: the state as a chip, progress as a whole percentage (the
// bar's value and its words), dates in the reader's language, and a project's tasks and phases.
import type { RequestI18n } from '../../core/index.ts';
import type { ProjectDetail, ProjectPhase, ProjectState, ProjectSummary, ProjectTask } from './port.ts';
import type { SharedDocument } from '../documents/index.ts';

/** The status chip's look for each state (views/partials/status-chip.ejs). */
const CHIP: Record<ProjectState, string> = { active: 'open', onHold: 'off', completed: 'done' };

export interface ProgressView {
  value: number;
  text: string;
}

function progressOf(i18n: RequestI18n, percent: number | null): ProgressView | null {
  if (percent === null) return null;
  const value = Math.min(100, Math.max(0, Math.round(percent)));
  return { value, text: i18n.t('projects:percent', { percent: i18n.fmt.number(value) }) };
}

function datesOf(i18n: RequestI18n, start: string | null, end: string | null): string | null {
  if (start && end) return i18n.t('projects:dates.both', { start: i18n.fmt.day(start), end: i18n.fmt.day(end) });
  if (start) return i18n.t('projects:dates.from', { start: i18n.fmt.day(start) });
  if (end) return i18n.t('projects:dates.until', { end: i18n.fmt.day(end) });
  return null;
}

export function presentProjectRow(i18n: RequestI18n, base: string, project: ProjectSummary) {
  return {
    href: `${base}/projects/${encodeURIComponent(project.id)}`,
    ref: project.ref,
    // A host without numbers gives the title as the ref: said once.
    title: project.title === project.ref ? null : project.title,
    chip: CHIP[project.state],
    statusLabel: project.statusLabel ?? i18n.t(`projects:state.${project.state}`),
    progress: progressOf(i18n, project.progressPercent),
    dates: datesOf(i18n, project.startDate, project.endDate),
  };
}

function presentTask(i18n: RequestI18n, task: ProjectTask) {
  return {
    title: task.title,
    done: task.done,
    status: task.done ? i18n.t('projects:task.done') : i18n.t('projects:task.open'),
    due: task.dueDate ? i18n.t('projects:task.due', { date: i18n.fmt.day(task.dueDate) }) : null,
    // A host's own progress of an open task (Dolibarr's); a done task says done.
    progress: task.done ? null : progressOf(i18n, task.progressPercent),
  };
}

function presentPhase(i18n: RequestI18n, phase: ProjectPhase, index: number) {
  return {
    domId: `phase-${index + 1}`,
    name: phase.name,
    progress: progressOf(i18n, phase.progressPercent),
    dates: datesOf(i18n, phase.startDate, phase.endDate),
    tasks: phase.tasks.map((task) => presentTask(i18n, task)),
  };
}

export function presentProject(i18n: RequestI18n, base: string, project: ProjectDetail) {
  return {
    ...presentProjectRow(i18n, base, project),
    description: project.description,
    phases: project.phases.map((phase, index) => presentPhase(i18n, phase, index)),
    tasks: project.tasks.map((task) => presentTask(i18n, task)),
  };
}

export function presentProjectDocument(i18n: RequestI18n, base: string, doc: SharedDocument) {
  return {
    name: doc.name,
    date: i18n.fmt.day(doc.sharedAt),
    href: `${base}/documents/shared/${encodeURIComponent(doc.id)}/download`,
  };
}
