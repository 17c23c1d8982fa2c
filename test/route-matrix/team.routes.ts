// The team page of a client admin: the owner (made client admin for these routes) manages Tom
// Becker, a colleague at Northwind; no one else may reach him, and no other role has the page.
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** Tom Becker of Northwind in workspace demo, as an active client user with full access: his id. */
async function activeColleague({ h }: MatrixWorld): Promise<string> {
  const db = h.crm.db;
  const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
  const [tom] = await h.crm.adapter.contacts.findByEmail(demo.id, 'tom@northwind.test');
  if (!tom) throw new Error('the seed has no Tom Becker at Northwind');
  const existing = await db('client_users').where({ workspace_id: demo.id, contact_id: tom.id }).first('id');
  if (existing) {
    await db('client_users')
      .where({ workspace_id: demo.id, id: existing.id })
      .update({ status: 'active', role: 'full', client_role_id: null });
    return String(existing.id);
  }
  const [row] = await db('client_users')
    .insert({ workspace_id: demo.id, client_id: tom.clientId, contact_id: tom.id, email: tom.email.toLowerCase(), status: 'active' })
    .returning('id');
  return String((row as { id: string }).id);
}

/** A contact of Northwind never invited (made so again before each use), for the invite form. */
async function uninvitedColleague({ h }: MatrixWorld): Promise<string> {
  const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
  const [tom] = await h.crm.adapter.contacts.findByEmail(demo.id, 'tom@northwind.test');
  if (!tom) throw new Error('the seed has no Tom Becker at Northwind');
  return tom.id;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/team', url: () => '/team', ownedByClient: false, clientAdmin: true },
  {
    method: 'POST',
    path: '/team/invite',
    url: () => '/team/invite',
    form: {},
    formFor: async (world) => {
      // Invited or not, Tom can be invited (again): the form sends an invitation either way.
      const id = await activeColleague(world);
      const demo = (await world.h.crm.adapter.workspaces.findBySlug('demo'))!;
      await world.h.crm.db('client_users').where({ workspace_id: demo.id, id }).update({ status: 'invited' });
      return { contactId: await uninvitedColleague(world) };
    },
    ownedByClient: true,
    clientAdmin: true,
  },
  {
    method: 'POST',
    path: '/team/:clientUserId/role',
    url: async (world) => `/team/${await activeColleague(world)}/role`,
    form: { role: 'member' },
    ownedByClient: true,
    clientAdmin: true,
  },
  {
    method: 'GET',
    path: '/team/:clientUserId/disable',
    url: async (world) => `/team/${await activeColleague(world)}/disable`,
    ownedByClient: true,
    clientAdmin: true,
  },
  {
    method: 'POST',
    path: '/team/:clientUserId/disable',
    url: async (world) => `/team/${await activeColleague(world)}/disable`,
    ownedByClient: true,
    clientAdmin: true,
  },
  {
    method: 'POST',
    path: '/team/requests',
    url: () => '/team/requests',
    form: {},
    // A new address each time: a second open request for one address is refused (409).
    formFor: async () => ({ name: 'Lena Vogt', email: `lena-${crypto.randomUUID()}@northwind.test` }),
    ownedByClient: false,
    clientAdmin: true,
  },
];
