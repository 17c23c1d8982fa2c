// Changes the host makes in its own pages (staff share a document, move a task's due date, reassign
// or delete it): the host tells the portal with CustomerPortal.hostRecordChanged, and the portal
// turns that into the same live event its own changes send (document-changed, task-changed), on
// the same channels, so every instance's open pages of that client refresh. The portal does not
// read the record here: the event carries ids only, and each page fetches what it shows itself.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { EventBus } from '../events/event-bus.ts';
import { recordAndAnnounce, type LiveEventType } from './live-events.ts';

export type HostRecordKind = 'document' | 'task';

export interface HostRecordChange {
  workspaceId: string;
  /** The client whose portal shows the record (for a reassigned task, call once per client it moved between). */
  clientId: string;
  kind: HostRecordKind;
  /** The host's id of the document or task. */
  id: string;
}

const hostId = z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String);

const changeSchema = z.object({
  workspaceId: hostId,
  clientId: hostId,
  kind: z.enum(['document', 'task']),
  id: hostId,
});

const EVENT_OF: Record<HostRecordKind, { type: LiveEventType; idKey: string }> = {
  document: { type: 'document-changed', idKey: 'documentId' },
  task: { type: 'task-changed', idKey: 'taskId' },
};

/**
 * Checks the host's call (a malformed one is a bug in the host: it throws), then records and
 * announces the event. A database or bus failure is logged and swallowed: the host's change is
 * done, and pages catch up on their next load.
 */
export async function announceHostChange(
  deps: { db: Knex; bus: EventBus; onError: (message: string, err: unknown) => void },
  input: HostRecordChange,
): Promise<void> {
  const parsed = changeSchema.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(`hostRecordChanged: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'change'} ${i.message}`).join('; ')}`);
  }
  const change = parsed.data;
  const { type, idKey } = EVENT_OF[change.kind];
  await recordAndAnnounce(
    deps.db,
    deps.bus,
    {
      type,
      workspaceId: change.workspaceId,
      clientId: change.clientId,
      data: { [idKey]: change.id, source: 'host' },
    },
    deps.onError,
  );
}
