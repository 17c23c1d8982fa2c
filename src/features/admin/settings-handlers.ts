// The settings page: what clients see and may do, how they sign in, and the portal's branding.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  type FieldErrors,
  type FileStorage,
  findSettings,
  type HostAdapter,
  formAnswerStatus,
  type PortalConfig,
  type PortalLogger,
  renderAdminPage,
  staffContext,
  type WorkspaceCache,
} from '../../core/index.ts';
import type { SettingsInput } from './commands.ts';
import {
  noticeText,
  presentSettingsPage,
  type ServedSections,
  settingsFormValues,
  submittedFormValues,
  switchesNotInHost,
} from './presenters.ts';
import { saveSettingsForm } from './save-settings.ts';
import { LOGO_MAX_BYTES } from './uploads.ts';

/**
 * Refused when "Allow online payments" is ticked but the workspace has no way to take a payment:
 * no registered provider chosen and no bank transfer instructions. Without this the switch would
 * be saved and silently have no effect (or, before, send clients to the demo checkout).
 */
const NO_WAY_TO_PAY =
  'Online payments cannot be switched on yet: this workspace has no way to take a payment. Choose an online payment provider or give bank transfer instructions under Payments first.';

export function createSettingsHandlers(deps: {
  db: Knex;
  storage: FileStorage;
  logger: PortalLogger;
  workspaces: Pick<WorkspaceCache, 'changed'>;
  config: Pick<PortalConfig, 'appUrl'>;
  paymentsReady: (workspaceId: string) => Promise<boolean>;
  adapter: Pick<HostAdapter, 'tickets' | ServedSections>;
}) {
  const { db } = deps;

  async function show(
    req: Request,
    res: Response,
    form: { errors?: FieldErrors; submitted?: unknown; notice?: string | null } = {},
    status = 200,
  ) {
    const { workspace, portalBase, i18n } = staffContext(res);
    const settings = await findSettings(db, workspace.id);
    const saved = settingsFormValues(settings, workspace);
    const values = form.submitted === undefined ? saved : submittedFormValues(form.submitted, saved);
    // What the host's own set-up lacks to take a ticket, said beside the switch before a client meets it.
    const ticketsRefusal = (await deps.adapter.tickets?.readiness?.(workspace.id)) ?? null;
    const notInHost = switchesNotInHost(deps.adapter);
    renderAdminPage(
      req,
      res,
      'admin/settings',
      i18n.t('admin:settings.title'),
      {
        page: presentSettingsPage({
          workspace,
          settings,
          values,
          portalBase,
          appUrl: deps.config.appUrl,
          ticketsRefusal,
          notInHost,
          words: i18n,
        }),
        errors: form.errors ?? {},
        notice: form.notice ?? null,
        logoMaxKb: LOGO_MAX_BYTES / 1024,
      },
      status,
    );
  }

  return {
    show: (req: Request, res: Response) =>
      show(req, res, { notice: (res.locals.query as { saved: boolean }).saved ? noticeText('saved', staffContext(res).i18n.t) : null }),

    // htmx swaps a 4xx too, but Chromium logs it as a failed load: an htmx answer is 200 (formAnswerStatus).
    invalid: (req: Request, res: Response, errors: FieldErrors) =>
      show(req, res, { errors, submitted: req.body }, formAnswerStatus(req, 400)),

    save: async (req: Request, res: Response) => {
      const { workspace, staff, base } = staffContext(res);
      if ((req.body as SettingsInput).allowOnlinePayments && !(await deps.paymentsReady(workspace.id))) {
        // The body is parsed by now (switches are booleans); the form shows what was ticked again.
        const submitted = Object.fromEntries(
          Object.entries(req.body as Record<string, unknown>).filter(([, value]) => value !== false && value != null),
        );
        return show(req, res, { errors: { allowOnlinePayments: NO_WAY_TO_PAY }, submitted }, formAnswerStatus(req, 400));
      }
      await saveSettingsForm(deps, workspace.id, staff.id, req.body as SettingsInput);
      // After the commit: every instance drops its cached settings and branding for this workspace.
      await deps.workspaces.changed(workspace.id);
      res.redirect(303, `${base}?saved=1`);
    },
  };
}
