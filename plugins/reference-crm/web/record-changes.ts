// Tells the plugins (CrmPlugin.recordChanged) that staff changed a client's record (a document or a
// task; an invoice issued, an offer sent), once the write is done. The staff's request has succeeded by then, so a plugin's failure is logged
// and the page goes on: the portal's pages catch up on their next load.
import type { CrmPlugin, CrmRecordChange } from '../crm-plugin.ts';

export async function tellPlugins(
  plugins: readonly CrmPlugin[] | undefined,
  change: {
    workspaceId: number;
    clientId: number;
    kind: CrmRecordChange['kind'];
    id: number;
    happened?: CrmRecordChange['happened'];
    title?: string;
    number?: string;
    contactId?: number | null;
    occurrence?: string;
  },
): Promise<void> {
  const listeners = (plugins ?? []).filter((plugin) => plugin.recordChanged);
  if (listeners.length === 0) return;
  const asStrings: CrmRecordChange = {
    workspaceId: String(change.workspaceId),
    clientId: String(change.clientId),
    kind: change.kind,
    id: String(change.id),
    ...(change.happened ? { happened: change.happened } : {}),
    ...(change.title ? { title: change.title } : {}),
    ...(change.number ? { number: change.number } : {}),
    ...(change.contactId ? { contactId: String(change.contactId) } : {}),
    ...(change.occurrence ? { occurrence: change.occurrence } : {}),
  };
  const results = await Promise.allSettled(listeners.map((plugin) => plugin.recordChanged!(asStrings)));
  for (const result of results) {
    if (result.status === 'rejected') console.error(`crm: a plugin was not told about ${change.kind} ${change.id}`, result.reason);
  }
}
