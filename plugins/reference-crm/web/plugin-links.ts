// Links plugins add to a record page of the CRM, kept to same-site paths so a plugin never sends
// staff to another origin.
import type { Response } from 'express';
import type { CrmPlugin } from '../crm-plugin.ts';
import { staffOf } from './auth.ts';

function isSameSitePath(href: string): boolean {
  return href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/\\');
}

export async function recordLinksFor(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  record: { kind: 'proposal' | 'quotation' | 'invoice'; id: number; clientId: number },
): Promise<Array<{ label: string; href: string }>> {
  const staff = staffOf(res);
  const forPlugins = { id: String(staff.id), workspaceId: String(staff.workspaceId), role: staff.role };
  const lists = await Promise.all(
    (plugins ?? []).map(
      (plugin) =>
        plugin.recordLinks?.(forPlugins, { kind: record.kind, id: String(record.id), clientId: String(record.clientId) }) ??
        Promise.resolve([]),
    ),
  );
  return lists
    .flat()
    .filter((link) => typeof link.label === 'string' && typeof link.href === 'string' && isSameSitePath(link.href))
    .map((link) => ({ label: link.label, href: link.href }));
}
