// The admin pages of the client portal. Filled in by the admin settings feature.
import { Router } from 'express';
import type { Knex } from 'knex';
import type { AuthService } from '../auth/auth-service.ts';
import type { PortalConfig } from '../config.ts';
import type { HostAdapter } from '../ports/host.ts';
import type { FileStorage } from '../ports/services.ts';

export interface AdminRoutesDeps {
  db: Knex;
  adapter: HostAdapter;
  auth: AuthService;
  storage: FileStorage;
  config: PortalConfig;
  now: () => Date;
}

export function adminRoutes(_deps: AdminRoutesDeps): Router {
  return Router();
}
