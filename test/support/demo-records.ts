// The demo seed's records that tests open: workspace demo, Northwind Traders (Maria García's
// company) in it, and sent proposals made for Northwind through the CRM's own createOffer (the
// proposal and its lines in one transaction). Each read names the workspace by its id, read from
// the workspaces table (a reference table on Citus), so on Citus it goes to one node.
import type { Knex } from 'knex';
import { createOffer, type NewOffer } from '../../plugins/reference-crm/queries/offers.ts';
import { PROPOSALS } from '../../plugins/reference-crm/queries/proposals.ts';

export interface DemoClient {
  id: number;
  workspace_id: number;
}

/** The id of workspace `demo`. */
export async function demoWorkspaceId(db: Knex): Promise<number> {
  const row = await db('workspaces').where({ slug: 'demo' }).first<{ id: number } | undefined>('id');
  if (!row) throw new Error('the seed has no workspace demo');
  return row.id;
}

/** Northwind Traders, a client of workspace `demo`. */
export async function demoNorthwind(db: Knex): Promise<DemoClient> {
  const workspaceId = await demoWorkspaceId(db);
  const client = await db('clients')
    .where({ workspace_id: workspaceId, name: 'Northwind Traders' })
    .first<DemoClient | undefined>('id', 'workspace_id');
  if (!client) throw new Error('the seed has no Northwind in demo');
  return client;
}

type ProposalFields = { number: string } & Partial<Pick<NewOffer, 'title' | 'body' | 'currency' | 'validUntil' | 'items'>>;

/** A sent proposal of `client` with one line (the defaults), open to accept or decline; its id. */
export async function sentProposal(db: Knex, client: DemoClient, fields: ProposalFields): Promise<string> {
  const row = await createOffer(db, PROPOSALS, {
    workspaceId: client.workspace_id,
    clientId: client.id,
    title: 'Website relaunch',
    body: 'Design, build and launch.',
    status: 'sent',
    currency: 'USD',
    validUntil: '2099-12-31',
    sentAt: new Date(),
    items: [{ description: 'Design and build', quantity: 1, unitPriceCents: 980_000 }],
    ...fields,
  });
  return String(row.id);
}

/** The demo's Northwind people with a role of their own: its client admin and its Billing colleague. */
const DEMO_ROLE_LOGINS = ['olivia@northwind.test', 'ben@northwind.test'] as const;

/**
 * Disables the demo's Northwind client admin and Billing colleague in workspace `demo`, for a test
 * that counts who at Northwind is told or kept (each active person gets the company's emails, and
 * a company keeps one client admin): its counts then name only the people it set up itself.
 */
export async function setAsideDemoRoleLogins(db: Knex): Promise<void> {
  const workspaceId = String(await demoWorkspaceId(db));
  await db('client_users')
    .where({ workspace_id: workspaceId })
    .whereIn('email', [...DEMO_ROLE_LOGINS])
    .update({ status: 'disabled' });
}
