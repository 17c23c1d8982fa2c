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
