// How the reference CRM mounts the customer portal: the client side before its own session (the
// portal brings its own cookie), the admin side behind its staff sign-in, and a Settings link
// for admins of workspaces where the portal is switched on.
import type { CustomerPortal, HostAdapter, PortalConfig } from '../../src/index.ts';
import type { CrmPlugin } from './app.ts';

export function customerPortalPlugin(portal: CustomerPortal, adapter: HostAdapter, config: Pick<PortalConfig, 'portalPath' | 'adminPath' | 'messagesPath'>): CrmPlugin {
  return {
    mountPublic(app) {
      app.use(config.portalPath, portal.clientRouter);
    },
    mountStaff(app, { requireStaff }) {
      app.use(config.adminPath, requireStaff, portal.adminRouter);
      app.use(config.messagesPath, requireStaff, portal.staffRouter);
    },
    async headerItems(staff) {
      const workspace = await adapter.workspaces.findById(staff.workspaceId);
      if (!workspace || !portal.isEnabledFor(workspace)) return [];
      const unread = await portal.staffUnreadCount({ id: staff.id, workspaceId: staff.workspaceId, role: staff.role, name: '', email: '' });
      return [{ label: 'Client messages', href: config.messagesPath, count: unread }];
    },
    async settingsPages(staff) {
      if (staff.role !== 'admin') return [];
      const workspace = await adapter.workspaces.findById(staff.workspaceId);
      if (!workspace || !portal.isEnabledFor(workspace)) return [];
      return [{ label: 'Client portal', href: config.adminPath }];
    },
  };
}
