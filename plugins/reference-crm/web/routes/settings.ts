// The CRM's Settings area: the workspace, the signed-in staff user, and links plugins add there.
import { Router } from 'express';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { render } from '../render.ts';
import type { RouteDeps } from '../routing.ts';

/** The CRM's own screens that set up what clients ask for and book in the portal. */
const SET_UP_LINKS = [
  { label: 'Request catalogue', href: '/settings/request-catalogue', about: 'What clients may ask for, each with its form.' },
  { label: 'Appointment services', href: '/settings/services', about: 'What clients book time for, and for how long.' },
  { label: 'Opening hours', href: '/settings/opening-hours', about: 'The times of each weekday clients may book.' },
];

/** Only same-site paths: a plugin link never sends staff to another origin. */
function isSameSitePath(href: string): boolean {
  return href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/\\');
}

export function settingsRoutes({ plugins }: RouteDeps & { plugins: readonly CrmPlugin[] }): Router {
  const router = Router();

  router.get('/settings', requireStaff, async (_req, res) => {
    const staff = staffOf(res);
    const forPlugins = { id: String(staff.id), workspaceId: String(staff.workspaceId), role: staff.role };
    const pages = await Promise.all(plugins.map((plugin) => plugin.settingsPages?.(forPlugins) ?? Promise.resolve([])));
    const links = pages
      .flat()
      .filter((link) => typeof link.label === 'string' && typeof link.href === 'string' && isSameSitePath(link.href))
      .map((link) => ({ label: link.label, href: link.href }));
    await render(res, 'settings', {
      title: 'Settings',
      section: 'settings',
      workspace: { name: staff.workspaceName, slug: staff.workspaceSlug },
      staff: { name: staff.name, email: staff.email, role: staff.role === 'admin' ? 'Administrator' : 'Member' },
      links,
      setUp: SET_UP_LINKS,
    });
  });

  return router;
}
