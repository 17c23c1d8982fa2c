// A person's access changed (their role, what the agency hides from them or from their company):
// told on the event bus once the change has committed, so every instance ends those people's live
// streams. The browser reconnects at once and the new stream is held to the new access.
import type { EventBus } from '../events/event-bus.ts';

export const ACCESS_CHANGED = 'portal.client-access.changed';

export interface AccessChanged {
  workspaceId: string;
  clientUserIds: string[];
}

/** Publishes after the caller's commit; a failure is reported, not thrown (the change is saved). */
export async function announceAccessChanged(
  bus: EventBus | undefined,
  changed: AccessChanged,
  onError: (message: string, err: unknown) => void = (message, err) => console.error(`[access] ${message}`, err),
): Promise<void> {
  if (!bus || changed.clientUserIds.length === 0) return;
  try {
    await bus.publish(ACCESS_CHANGED, changed);
  } catch (err) {
    onError('could not announce a change of client access', err);
  }
}
