// What the projects ports of the bindings share: a project row in the port's words (its progress
// as a number, which PostgreSQL's numeric gives as text), and a keyset page of rows read one
// beyond the limit (the extra row only says there is a next page).
import type { Page, ProjectState, ProjectSummary } from '../../src/index.ts';

/** A project as a binding's query read it, named in the port's terms. */
export interface ProjectFields {
  id: string;
  ref: string;
  title: string;
  state: ProjectState;
  statusLabel: string | null;
  progress: number | string | null;
  /** 'YYYY-MM-DD', or null. */
  start: string | null;
  end: string | null;
}

/** A host's progress (a number, or numeric as text) as a percentage; null where it has none. */
export const percentOf = (progress: number | string | null): number | null => (progress === null ? null : Number(progress));

export function projectSummary(fields: ProjectFields): ProjectSummary {
  return {
    id: fields.id,
    ref: fields.ref,
    title: fields.title,
    state: fields.state,
    statusLabel: fields.statusLabel,
    progressPercent: percentOf(fields.progress),
    startDate: fields.start,
    endDate: fields.end,
  };
}

/** The page of `limit` rows out of `limit + 1` read, with the cursor after its last row when more are there. */
export function keysetPage<R, T>(rows: R[], limit: number, present: (row: R) => T, cursorOf: (last: R) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(present), next: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
