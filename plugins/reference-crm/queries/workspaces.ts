// Workspaces: the agencies using the CRM. Every other table hangs off one.
import type { Db } from './db.ts';

export interface WorkspaceRow {
  id: number;
  slug: string;
  name: string;
  logo_url: string | null;
  brand_color: string;
}

/** What a workspace is read as; the binding's claims name these first among the workspace's columns. */
export const WORKSPACE_COLUMNS = ['id', 'slug', 'name', 'logo_url', 'brand_color'];

export async function findWorkspaceById(db: Db, args: { workspaceId: number }): Promise<WorkspaceRow | null> {
  const row = await db('workspaces').where({ id: args.workspaceId }).first<WorkspaceRow | undefined>(WORKSPACE_COLUMNS);
  return row ?? null;
}

export async function findWorkspaceBySlug(db: Db, args: { slug: string }): Promise<WorkspaceRow | null> {
  const row = await db('workspaces').where({ slug: args.slug }).first<WorkspaceRow | undefined>(WORKSPACE_COLUMNS);
  return row ?? null;
}

export async function insertWorkspace(
  db: Db,
  args: { slug: string; name: string; brandColor: string; logoUrl: string | null; createdAt?: Date },
): Promise<number> {
  const [row] = await db('workspaces')
    .insert({
      slug: args.slug,
      name: args.name,
      brand_color: args.brandColor,
      logo_url: args.logoUrl,
      ...(args.createdAt ? { created_at: args.createdAt } : {}),
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into workspaces returned no row');
  return row.id;
}
