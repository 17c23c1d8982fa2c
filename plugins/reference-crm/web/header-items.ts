// The plugins' header links (CrmPlugin.headerItems) for the signed-in staff user, collected once per
// page request and shown by the layout. Only for GET pages: a form post redirects anyway.
import type { RequestHandler, Response } from 'express';
import type { CrmPlugin } from '../crm-plugin.ts';
import { currentStaff } from './auth.ts';

export interface HeaderItem {
  label: string;
  href: string;
  count: number;
  /** What the badge shows, when the plugin words it (a count that stops at 100 shows "99+"). */
  countText?: string;
  /** What a screen reader hears after the count, in the label's language ("unread" unless the plugin says). */
  unreadWord?: string;
}

const LOCALS_KEY = 'crmHeaderItems';

export function pluginHeaderItems(plugins: CrmPlugin[]): RequestHandler {
  const withItems = plugins.filter((plugin) => plugin.headerItems);
  return async (req, res, next) => {
    const staff = currentStaff(res);
    if (!staff || req.method !== 'GET' || withItems.length === 0) return next();
    const who = { id: String(staff.id), workspaceId: String(staff.workspaceId), role: staff.role };
    const lists = await Promise.all(withItems.map((plugin) => plugin.headerItems!(who)));
    res.locals[LOCALS_KEY] = lists.flat();
    next();
  };
}

export function headerItems(res: Response): HeaderItem[] {
  return (res.locals[LOCALS_KEY] as HeaderItem[] | undefined) ?? [];
}
