// The settings page: what clients see and may do, how they sign in, and the portal's branding.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { PortalConfig } from '../config.ts';
import type { PortalLogger } from '../deps.ts';
import type { FileStorage } from '../ports/services.ts';
import { findSettings } from '../settings/queries.ts';
import { formAnswerStatus } from '../web/render.ts';
import type { FieldErrors } from '../web/validate.ts';
import { adminContext } from './admin-context.ts';
import { renderAdminPage } from './admin-page.ts';
import type { SettingsInput } from './commands.ts';
import { noticeText, presentSettingsPage, settingsFormValues, submittedFormValues } from './presenters.ts';
import { saveSettingsForm } from './save-settings.ts';
import { LOGO_MAX_BYTES } from './uploads.ts';
import type { WorkspaceCache } from '../workspaces/workspace-cache.ts';

export function createSettingsHandlers(deps: { db: Knex; storage: FileStorage; logger: PortalLogger; workspaces: Pick<WorkspaceCache, 'changed'>; config: Pick<PortalConfig, 'appUrl'> }) {
  const { db } = deps;

  async function show(req: Request, res: Response, form: { errors?: FieldErrors; submitted?: unknown; notice?: string | null } = {}, status = 200) {
    const { workspace, portalBase } = adminContext(res);
    const settings = await findSettings(db, workspace.id);
    const saved = settingsFormValues(settings, workspace);
    const values = form.submitted === undefined ? saved : submittedFormValues(form.submitted, saved);
    renderAdminPage(req, res, 'admin/settings', 'Client portal settings', {
      page: presentSettingsPage({ workspace, settings, values, portalBase, appUrl: deps.config.appUrl }),
      errors: form.errors ?? {},
      notice: form.notice ?? null,
      logoMaxKb: LOGO_MAX_BYTES / 1024,
    }, status);
  }

  return {
    show: (req: Request, res: Response) => show(req, res, { notice: (res.locals.query as { saved: boolean }).saved ? noticeText('saved') : null }),

    // htmx swaps a 4xx too, but Chromium logs it as a failed load: an htmx answer is 200 (formAnswerStatus).
    invalid: (req: Request, res: Response, errors: FieldErrors) => show(req, res, { errors, submitted: req.body }, formAnswerStatus(req, 400)),

    save: async (req: Request, res: Response) => {
      const { workspace, staff, base } = adminContext(res);
      await saveSettingsForm(deps, workspace.id, staff.id, req.body as SettingsInput);
      // After the commit: every instance drops its cached settings and branding for this workspace.
      await deps.workspaces.changed(workspace.id);
      res.redirect(303, `${base}?saved=1`);
    },
  };
}

export type SettingsHandlers = ReturnType<typeof createSettingsHandlers>;
