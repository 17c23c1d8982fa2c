// The CRM header's plugin links (e.g. "Client messages" with an unread count): asked of each
// plugin's headerItems hook for page loads of signed-in staff only, and kept in res.locals for the
// layout. A plugin that fails costs its link, never the page.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CrmHeaderItem, CrmPlugin } from '../app.ts';
import { currentStaff } from './auth.ts';

const LOCALS_KEY = 'crmHeaderItems';

export function headerItems(plugins: CrmPlugin[]): RequestHandler {
  const hooks = plugins.filter((plugin) => typeof plugin.headerItems === 'function');
  return async (req: Request, res: Response, next: NextFunction) => {
    const staff = currentStaff(res);
    if (!staff || req.method !== 'GET' || hooks.length === 0) return next();
    const who = { id: String(staff.id), workspaceId: String(staff.workspaceId), role: staff.role };
    const items = await Promise.all(hooks.map((plugin) => plugin.headerItems!(who).catch((): CrmHeaderItem[] => [])));
    res.locals[LOCALS_KEY] = items.flat();
    next();
  };
}

export function headerItemsOf(res: Response): CrmHeaderItem[] {
  return (res.locals[LOCALS_KEY] as CrmHeaderItem[] | undefined) ?? [];
}
