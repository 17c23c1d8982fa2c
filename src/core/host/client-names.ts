// The names of the host's clients behind a page of rows (uploads, conversations, notifications).
// Looked up by id where the host can (ClientsPort.findByIds), so such a page costs the same for an
// agency with ten clients as for one with ten thousand; a host without it lists them all.
import type { ClientsPort, HostId } from '../ports/host.ts';

export async function clientNamesOf(clients: ClientsPort, workspaceId: HostId, ids: Iterable<HostId>): Promise<Map<HostId, string>> {
  const wanted = new Set(ids);
  if (wanted.size === 0) return new Map();
  const found = clients.findByIds ? await clients.findByIds(workspaceId, [...wanted]) : await clients.list(workspaceId);
  // Whatever the host answers, only this workspace's clients that were asked for are named.
  return new Map(
    found.filter((client) => client.workspaceId === workspaceId && wanted.has(client.id)).map((client) => [client.id, client.name]),
  );
}
