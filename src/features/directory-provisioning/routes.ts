// Directory provisioning's staff routes, in the admin router behind the staff chain and the admin
// policy. Its SCIM endpoints are API routes (scim-routes.ts). Each line: path, validation, handler.
import { Router } from 'express';
import { validateBody, validateQuery } from '../../core/index.ts';
import type { DirectoryAdminHandlers } from './admin-handlers.ts';
import {
  CreateTokenCommand,
  GroupRoleCommand,
  PageQuery,
  RemoveGroupRoleCommand,
  RevokeTokenCommand,
  SettingsCommand,
} from './commands.ts';

export function directoryAdminRoutes(h: DirectoryAdminHandlers): Router {
  const router = Router();
  router.get('/directory-provisioning', validateQuery(PageQuery), h.list);
  router.get('/directory-provisioning/:clientId', validateQuery(PageQuery), h.show);
  router.post('/directory-provisioning/:clientId/tokens', validateBody(CreateTokenCommand, h.invalid), h.createToken);
  router.post('/directory-provisioning/:clientId/tokens/:tokenId/revoke', validateBody(RevokeTokenCommand), h.revokeToken);
  router.post('/directory-provisioning/:clientId/settings', validateBody(SettingsCommand, h.invalid), h.saveSettings);
  router.post('/directory-provisioning/:clientId/group-roles', validateBody(GroupRoleCommand, h.invalid), h.mapGroup);
  router.post('/directory-provisioning/:clientId/group-roles/remove', validateBody(RemoveGroupRoleCommand, h.invalid), h.unmapGroup);
  return router;
}
