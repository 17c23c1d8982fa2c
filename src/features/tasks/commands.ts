// What the tasks routes accept: the tab, search and cursor of the list, and the task id in the path.
import { z } from 'zod';
import { searchField, HostIdParam, hostCursorField } from '../../core/index.ts';

export const TasksQuery = z.object({
  tab: z.enum(['open', 'done'], { error: 'Choose the open or the done tasks.' }).default('open'),
  q: searchField,
  after: hostCursorField.optional(),
});
export type TasksQueryInput = z.infer<typeof TasksQuery>;

/** A host task id: whatever the host uses, within reason; the adapter decides if it is this contact's. */
export const TaskId = HostIdParam;

/** Where the action returns to, so a done task marked from the done tab, or a searched list, stays there. */
export const TaskActionCommand = z.object({ tab: z.enum(['open', 'done']).optional().catch(undefined), q: searchField.catch(undefined) });
export type TaskActionInput = z.infer<typeof TaskActionCommand>;
