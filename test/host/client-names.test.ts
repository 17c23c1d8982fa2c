// clientNamesOf: the names of a page's clients, by id where the host can look them up, by
// listing them all where it cannot; either way only the asked-for clients of the workspace.
import { expect } from 'chai';
import { clientNamesOf } from '../../src/core/host/client-names.ts';
import type { ClientsPort, HostClient } from '../../src/core/ports/host.ts';

const clients: HostClient[] = [
  { id: '1', workspaceId: 'w1', name: 'Northwind Traders' },
  { id: '2', workspaceId: 'w1', name: 'Bluebell Bakery' },
  { id: '3', workspaceId: 'w1', name: 'Harbor Dental' },
  { id: '4', workspaceId: 'w2', name: 'Other Agency Client' },
];

/** A host's clients port over the list above; `byIds` adds findByIds (answering too much on purpose). */
function port(byIds: boolean) {
  const calls: string[] = [];
  const clientsPort: ClientsPort = {
    async list(workspaceId) {
      calls.push(`list ${workspaceId}`);
      return clients.filter((client) => client.workspaceId === workspaceId);
    },
    async findById(workspaceId, clientId) {
      return clients.find((client) => client.workspaceId === workspaceId && client.id === clientId) ?? null;
    },
    ...(byIds
      ? {
          // A careless host that ignores the workspace: the helper still names only the workspace's clients.
          async findByIds(workspaceId: string, ids: string[]) {
            calls.push(`findByIds ${workspaceId} ${ids.join(',')}`);
            return clients.filter((client) => ids.includes(client.id));
          },
        }
      : {}),
  };
  return { clientsPort, calls };
}

describe('client names of a page of rows', function () {
  it('asks a host with findByIds for each client once, and lists nothing', async function () {
    const { clientsPort, calls } = port(true);
    const names = await clientNamesOf(clientsPort, 'w1', ['2', '1', '2', '4', '99']);
    expect([...names]).to.have.deep.members([
      ['1', 'Northwind Traders'],
      ['2', 'Bluebell Bakery'],
    ]);
    expect(calls).to.deep.equal(['findByIds w1 2,1,4,99']);
  });

  it('lists the clients of a host without findByIds, naming only those asked for', async function () {
    const { clientsPort, calls } = port(false);
    const names = await clientNamesOf(clientsPort, 'w1', ['3']);
    expect([...names]).to.deep.equal([['3', 'Harbor Dental']]);
    expect(calls).to.deep.equal(['list w1']);
  });

  it('asks nothing for no rows', async function () {
    for (const byIds of [true, false]) {
      const { clientsPort, calls } = port(byIds);
      expect((await clientNamesOf(clientsPort, 'w1', [])).size).to.equal(0);
      expect(calls).to.deep.equal([]);
    }
  });
});
