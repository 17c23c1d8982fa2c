// The workspace's client roles: the built-in ones (read-only) and the workspace's own, each with
// what it grants and how many people hold it; creating one, changing one (confirmed first when
// people hold it, since their portal changes at once) and removing one no one holds. Every change
// is in the activity log.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  announceAccessChanged,
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  CLIENT_PERMISSIONS,
  type CustomRole,
  deleteRole,
  type EventBus,
  type FieldErrors,
  findRole,
  formAnswerStatus,
  holdersOf,
  HttpError,
  insertRole,
  insertStaffActivity,
  listRoles,
  lockRole,
  notFound,
  parseParam,
  renderAdminPage,
  roleHolderCounts,
  roleNamed,
  staffActor,
  staffContext,
  type Translate,
  updateRole,
} from '../../core/index.ts';
import { RoleIdParam, type RoleInput, type RolesQueryInput } from './commands.ts';

const ROLE_NOT_FOUND = 'We could not find that role.';
const NAME_TAKEN = 'Another role already has this name. Choose another.';
/** The notices a redirect may ask for, by their admin:roles.notices key. */
const NOTICES = { created: 'created', saved: 'saved', removed: 'removed' } as const;

/** What a set of permissions shows, in the staff member's words, in the order of CLIENT_PERMISSIONS. */
const grantList = (permissions: readonly string[], t: Translate) =>
  CLIENT_PERMISSIONS.filter((p) => permissions.includes(p))
    .map((p) => t(`staff:permissions.${p}`))
    .join(', ');

/** The role form's checkboxes, ticked from a role or from what was submitted. */
function grantFields(granted: readonly string[], idPrefix: string, t: Translate) {
  return CLIENT_PERMISSIONS.map((permission) => ({
    name: `grant_${permission}`,
    id: `${idPrefix}-${permission}`,
    label: t(`staff:permissions.${permission}`),
    checked: granted.includes(permission),
  }));
}

/** A refused form shown again as it was sent, with its errors. */
function submitted(req: Request, errors: FieldErrors) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    errors,
    name: typeof body.name === 'string' ? body.name : '',
    grants: CLIENT_PERMISSIONS.filter((p) => body[`grant_${p}`] !== undefined),
  };
}

export function createRolesHandlers(deps: { db: Knex; bus?: EventBus }) {
  const { db } = deps;
  const rolesHref = (res: Response) => `${staffContext(res).base}/roles`;
  const roleHref = (res: Response, id: string) => `${rolesHref(res)}/${encodeURIComponent(id)}`;

  async function loadRole(req: Request, res: Response): Promise<CustomRole> {
    const id = parseParam(RoleIdParam, req.params.roleId);
    const role = await findRole(db, staffContext(res).workspace.id, id);
    if (!role) throw notFound(ROLE_NOT_FOUND);
    return role;
  }

  async function list(req: Request, res: Response, form: { errors?: FieldErrors; name?: string; grants?: string[] } = {}, status = 200) {
    const { workspace, i18n } = staffContext(res);
    const { t } = i18n;
    const notice = (res.locals.query as RolesQueryInput | undefined)?.notice;
    const [roles, holders] = await Promise.all([listRoles(db, workspace.id), roleHolderCounts(db, workspace.id)]);
    renderAdminPage(
      req,
      res,
      'admin/roles',
      t('admin:roles.title'),
      {
        builtIn: BUILT_IN_ROLE_KEYS.map((key) => ({
          label: t(`staff:roles.builtIn.${key}.label`),
          description: t(`staff:roles.builtIn.${key}.description`),
          grants: grantList(BUILT_IN_ROLES[key].permissions, t),
        })),
        roles: roles.map((role) => ({
          ...role,
          grants: grantList(role.permissions, t),
          holders: holders.get(role.id) ?? 0,
          href: roleHref(res, role.id),
        })),
        form: { action: rolesHref(res), name: form.name ?? '', fields: grantFields(form.grants ?? [], 'new-role', t) },
        errors: form.errors ?? {},
        notice: notice ? t(`admin:roles.notices.${NOTICES[notice]}`) : null,
      },
      status,
    );
  }

  async function edit(
    req: Request,
    res: Response,
    role: CustomRole,
    form: { errors?: FieldErrors; name?: string; grants?: string[] } = {},
    status = 200,
  ) {
    const holders = await holdersOf(db, staffContext(res).workspace.id, role.id);
    const { t } = staffContext(res).i18n;
    renderAdminPage(
      req,
      res,
      'admin/role',
      t('admin:roles.titleOne', { name: role.name }),
      {
        role: { ...role, holders: holders.length },
        form: {
          action: roleHref(res, role.id),
          name: form.name ?? role.name,
          fields: grantFields(form.grants ?? role.permissions, 'role', t),
        },
        removeHref: `${roleHref(res, role.id)}/remove`,
        backHref: rolesHref(res),
        errors: form.errors ?? {},
      },
      status,
    );
  }

  return {
    list: (req: Request, res: Response) => list(req, res),

    invalidNew: (req: Request, res: Response, errors: FieldErrors) => list(req, res, submitted(req, errors), formAnswerStatus(req, 400)),

    create: async (req: Request, res: Response) => {
      const input = req.body as RoleInput;
      const { workspace } = staffContext(res);
      const role: CustomRole = { id: randomUUID(), name: input.name, permissions: input.permissions };
      const created = await db.transaction(async (trx) => {
        if (await roleNamed(trx, workspace.id, input.name, null)) return false;
        await insertRole(trx, workspace.id, role);
        await insertStaffActivity(trx, staffActor(req, res), 'client_role.created', {
          roleId: role.id,
          roleName: role.name,
          grants: role.permissions,
        });
        return true;
      });
      if (!created)
        return list(req, res, { errors: { name: NAME_TAKEN }, name: input.name, grants: input.permissions }, formAnswerStatus(req, 400));
      res.redirect(303, `${rolesHref(res)}?notice=created`);
    },

    show: async (req: Request, res: Response) => edit(req, res, await loadRole(req, res)),

    invalidEdit: async (req: Request, res: Response, errors: FieldErrors) =>
      edit(req, res, await loadRole(req, res), submitted(req, errors), formAnswerStatus(req, 400)),

    save: async (req: Request, res: Response) => {
      const input = req.body as RoleInput;
      const { workspace } = staffContext(res);
      const role = await loadRole(req, res);
      const holders = await holdersOf(db, workspace.id, role.id);
      if (await roleNamed(db, workspace.id, input.name, role.id))
        return edit(
          req,
          res,
          role,
          { errors: { name: NAME_TAKEN }, name: input.name, grants: input.permissions },
          formAnswerStatus(req, 400),
        );
      const lost = role.permissions.filter((p) => !input.permissions.includes(p as never));
      const gained = input.permissions.filter((p) => !role.permissions.includes(p));
      if (holders.length > 0 && (lost.length > 0 || gained.length > 0) && !input.confirmed) {
        const fields: Record<string, string> = { name: input.name, confirmed: 'on' };
        for (const permission of input.permissions) fields[`grant_${permission}`] = 'on';
        const { t } = staffContext(res).i18n;
        const count = holders.length;
        return renderAdminPage(req, res, 'staff/confirm', t('admin:roles.change.title', { name: role.name }), {
          heading: t('admin:roles.change.title', { name: role.name }),
          consequences: [
            ...(lost.length ? [t('admin:roles.change.loses', { count, what: grantList(lost, t) })] : []),
            ...(gained.length ? [t('admin:roles.change.gains', { count, what: grantList(gained, t) })] : []),
            t('admin:roles.change.followAtOnce'),
          ],
          action: roleHref(res, role.id),
          fields,
          confirmLabel: t('admin:roles.save'),
          cancelHref: roleHref(res, role.id),
        });
      }
      const changed: CustomRole = { id: role.id, name: input.name, permissions: input.permissions };
      await db.transaction(async (trx) => {
        await updateRole(trx, workspace.id, changed);
        await insertStaffActivity(trx, staffActor(req, res), 'client_role.changed', {
          roleId: role.id,
          roleName: changed.name,
          grants: { from: role.permissions, to: changed.permissions },
          ...(role.name === changed.name ? {} : { renamedFrom: role.name }),
        });
      });
      await announceAccessChanged(deps.bus, { workspaceId: workspace.id, clientUserIds: holders });
      res.redirect(303, `${rolesHref(res)}?notice=saved`);
    },

    confirmRemove: async (req: Request, res: Response) => {
      const role = await loadRole(req, res);
      const holders = await holdersOf(db, staffContext(res).workspace.id, role.id);
      if (holders.length > 0) throw heldRole(holders.length);
      const { t } = staffContext(res).i18n;
      renderAdminPage(req, res, 'staff/confirm', t('admin:roles.remove.title', { name: role.name }), {
        heading: t('admin:roles.remove.title', { name: role.name }),
        consequences: [t('admin:roles.remove.noOne'), t('admin:roles.remove.logKeeps')],
        action: `${roleHref(res, role.id)}/remove`,
        fields: {},
        confirmLabel: t('admin:roles.removeButton'),
        cancelHref: roleHref(res, role.id),
      });
    },

    remove: async (req: Request, res: Response) => {
      const { workspace } = staffContext(res);
      const id = parseParam(RoleIdParam, req.params.roleId);
      await db.transaction(async (trx) => {
        // Locked first: no one is given the role between the count and the delete.
        const role = await lockRole(trx, workspace.id, id);
        if (!role) throw notFound(ROLE_NOT_FOUND);
        const holders = await holdersOf(trx, workspace.id, id);
        if (holders.length > 0) throw heldRole(holders.length);
        await deleteRole(trx, workspace.id, id);
        await insertStaffActivity(trx, staffActor(req, res), 'client_role.removed', {
          roleId: role.id,
          roleName: role.name,
          grants: role.permissions,
        });
      });
      res.redirect(303, `${rolesHref(res)}?notice=removed`);
    },
  };
}

function heldRole(holders: number): HttpError {
  const who = holders === 1 ? '1 person holds' : `${holders} people hold`;
  return new HttpError(409, `${who} this role. Give them another role first, then remove it.`);
}
