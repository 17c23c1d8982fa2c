// What the projects routes accept: the tab, search and cursor of the list, and the project id in the
// path. Messages are keys of this feature's locales, so a client reads them in their language.
import { z } from 'zod';
import { HostIdParam, hostCursorField } from '../../core/index.ts';

export const PROJECT_TABS = ['active', 'onHold', 'completed', 'all'] as const;

export const ProjectsQuery = z.object({
  tab: z.enum(PROJECT_TABS, { error: 'projects:errors.tab' }).default('active'),
  q: z
    .string()
    .trim()
    .max(100, 'projects:errors.search')
    .optional()
    .transform((q) => (q ? q : undefined)),
  after: hostCursorField.optional(),
});
export type ProjectsQueryInput = z.infer<typeof ProjectsQuery>;

/** A host project id: whatever the host uses, within reason; the adapter decides if it is this client's. */
export const ProjectId = HostIdParam;
