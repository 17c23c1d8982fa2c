// The admin pages of the client portal, behind the admin router's guards (staff → workspace →
// flag → admin policy → CSRF). Each line: path, validation, handler.
import { Router } from 'express';
import type { Knex } from 'knex';
import {
  type EventBus,
  type FileStorage,
  type HostAdapter,
  type OutboxMailer,
  type PortalConfig,
  type PortalLinks,
  type PortalLogger,
  type RepeatGuard,
  validateBody,
  validateQuery,
  type WorkspaceCache,
} from '../../core/index.ts';
import type { AuthService } from '../account/index.ts';
import { createActivityHandlers } from './activity-handlers.ts';
import { createClientUsersHandlers } from './client-users-handlers.ts';
import {
  AccessQuery,
  ActivityQuery,
  ClientUserCommand,
  ClientsQuery,
  CompanyAccessCommand,
  InviteCommand,
  PersonAccessCommand,
  RemoveRoleCommand,
  RoleCommand,
  RolesQuery,
  SettingsCommand,
  SettingsQuery,
} from './commands.ts';
import { createAccessHandlers } from './access-handlers.ts';
import { createRolesHandlers } from './roles-handlers.ts';
import { createAdminTwoFactorHandlers } from './two-factor-handlers.ts';
import { createSettingsHandlers } from './settings-handlers.ts';
import { createUploadsHandlers } from './uploads-handlers.ts';
import { createSatisfactionHandlers } from './satisfaction-handlers.ts';
import { createCatalogueHandlers } from './catalogue-handlers.ts';
import { CalendarHoursCommand, CatalogueQuery, RequestTypeCommand } from './catalogue-commands.ts';

export interface AdminRoutesDeps {
  db: Knex;
  adapter: HostAdapter;
  auth: AuthService;
  guard: RepeatGuard;
  storage: FileStorage;
  config: PortalConfig;
  /** The workspace's portal address in emails. */
  links: PortalLinks;
  now: () => Date;
  logger: PortalLogger;
  /** The outbox: the email telling a client their two-factor was reset. */
  mailer: OutboxMailer;
  bus: EventBus;
  /** Told of every settings save, so each instance's portal shows it at once. */
  workspaces: Pick<WorkspaceCache, 'changed'>;
  /** Whether the workspace's payment settings give clients a way to pay (payments/availability.ts). */
  paymentsReady: (workspaceId: string) => Promise<boolean>;
}

export function adminRoutes(deps: AdminRoutesDeps): Router {
  const settings = createSettingsHandlers(deps);
  const clients = createClientUsersHandlers(deps);
  const activity = createActivityHandlers(deps);
  const uploads = createUploadsHandlers({ ...deps, streamUrl: `${deps.config.messagesPath}/stream` });
  const twoFactor = createAdminTwoFactorHandlers(deps);
  const access = createAccessHandlers(deps);
  const roles = createRolesHandlers(deps);
  const satisfaction = createSatisfactionHandlers(deps);
  const catalogue = createCatalogueHandlers(deps);
  const router = Router();

  router.get('/', validateQuery(SettingsQuery), settings.show);
  router.post('/', validateBody(SettingsCommand, settings.invalid), settings.save);

  router.get('/clients', validateQuery(ClientsQuery), clients.list);
  router.post('/clients/invite', validateBody(InviteCommand), clients.invite);
  router.get('/clients/:clientUserId/disable', validateQuery(ClientsQuery), clients.confirmDisable);
  router.post('/clients/:clientUserId/disable', validateBody(ClientUserCommand), clients.disable);
  router.post('/clients/:clientUserId/enable', validateBody(ClientUserCommand), clients.enable);
  router.get('/clients/:clientUserId/two-factor/reset', twoFactor.confirmReset);
  router.post('/clients/:clientUserId/two-factor/reset', validateBody(ClientUserCommand), twoFactor.reset);

  router.get('/clients/:clientUserId/access', validateQuery(AccessQuery), access.showPerson);
  router.post('/clients/:clientUserId/access', validateBody(PersonAccessCommand), access.savePerson);
  router.get('/companies/:clientId/access', validateQuery(AccessQuery), access.showCompany);
  router.post('/companies/:clientId/access', validateBody(CompanyAccessCommand), access.saveCompany);

  router.get('/roles', validateQuery(RolesQuery), roles.list);
  router.post('/roles', validateBody(RoleCommand, roles.invalidNew), roles.create);
  router.get('/roles/:roleId', roles.show);
  router.post('/roles/:roleId', validateBody(RoleCommand, roles.invalidEdit), roles.save);
  router.get('/roles/:roleId/remove', roles.confirmRemove);
  router.post('/roles/:roleId/remove', validateBody(RemoveRoleCommand), roles.remove);

  router.get('/activity', validateQuery(ActivityQuery), activity.list);

  router.get('/uploads', uploads.list);
  router.get('/satisfaction', satisfaction.list);

  router.get('/catalogue', validateQuery(CatalogueQuery), catalogue.show);
  router.post('/catalogue/request-types', validateBody(RequestTypeCommand, catalogue.invalidNewType), catalogue.createType);
  router.get('/catalogue/request-types/:typeId', catalogue.editType);
  router.post('/catalogue/request-types/:typeId', validateBody(RequestTypeCommand, catalogue.invalidType), catalogue.saveType);
  router.post('/catalogue/calendars/:calendarId', validateBody(CalendarHoursCommand, catalogue.invalidHours), catalogue.saveHours);
  router.get('/uploads/:uploadId/download', uploads.download);

  return router;
}
