// "Your data": a person asks for a copy of their data (built in the background, downloaded here
// until it expires) or for their data to be erased (asked first on a page of its own, decided by
// the agency). Post/redirect/get with a fixed notice.
import type { Request, Response } from 'express';
import {
  type FieldErrors,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
  sendDownload,
  signedInClient,
} from '../../core/index.ts';
import { type ErasureRequestInput, ExportIdParam, type PrivacyNotice, type PrivacyQueryInput, REASON_MAX_LENGTH } from './commands.ts';
import type { Erasure } from './erasure.ts';
import { EXPORT_KEPT_DAYS, type DataExports, type PrivacyActor } from './exports.ts';
import { presentErasure, presentExports } from './presenters.ts';

export function createPrivacyHandlers(deps: { exports: DataExports; erasure: Erasure; now: () => Date }) {
  const { exports, erasure } = deps;
  const actor = (req: Request, res: Response): PrivacyActor => ({
    workspace: portalContext(res).workspace,
    user: signedInClient(res).user,
    meta: requestMeta(req),
  });
  const back = (res: Response, notice: PrivacyNotice) => res.redirect(303, `${portalContext(res).base}/account/data?notice=${notice}`);

  return {
    show: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const i18n = portalI18n(res);
      const { notice } = res.locals.query as PrivacyQueryInput;
      const [rows, latest] = await Promise.all([exports.list(workspace.id, user.id), erasure.latest(workspace.id, user.id)]);
      const list = presentExports(i18n, base, rows, deps.now());
      renderPortalPage(req, res, 'privacy/index', i18n.t('privacy:title'), {
        notice: notice ? i18n.t(`privacy:notices.${notice}`, { days: EXPORT_KEPT_DAYS }) : null,
        exports: list,
        // While one is being built the list refreshes itself until it is ready.
        building: list.some((item) => item.status === 'queued' || item.status === 'building'),
        keptDays: EXPORT_KEPT_DAYS,
        erasure: presentErasure(i18n, latest),
      });
    },

    requestExport: async (req: Request, res: Response) => {
      back(res, (await exports.request(actor(req, res))) === 'requested' ? 'exportRequested' : 'exportBusy');
    },

    download: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const id = parseParam(ExportIdParam, req.params.exportId);
      const opened = await exports.open(workspace.id, user.id, id);
      if (!opened) throw notFound(portalI18n(res).t('privacy:export.notFound'));
      if (opened === 'gone') return back(res, 'exportGone');
      await sendDownload(res, {
        name: opened.file.filename,
        contentType: 'application/zip',
        sizeBytes: opened.file.sizeBytes,
        content: opened.file.content,
      });
    },

    confirmErasure: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const latest = await erasure.latest(workspace.id, user.id);
      if (latest?.status === 'requested') return back(res, 'erasureAlready');
      renderPortalPage(req, res, 'privacy/erasure', portalI18n(res).t('privacy:erasure.confirmTitle'), {
        reason: '',
        reasonMax: REASON_MAX_LENGTH,
        error: null,
      });
    },

    invalidErasure: (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      renderPortalPage(
        req,
        res,
        'privacy/erasure',
        portalI18n(res).t('privacy:erasure.confirmTitle'),
        { reason: typeof body.reason === 'string' ? body.reason : '', reasonMax: REASON_MAX_LENGTH, error: errors.reason ?? null },
        400,
      );
    },

    requestErasure: async (req: Request, res: Response) => {
      const { reason } = req.body as ErasureRequestInput;
      back(res, (await erasure.request(actor(req, res), reason)) === 'requested' ? 'erasureRequested' : 'erasureAlready');
    },

    withdrawErasure: async (req: Request, res: Response) => {
      await erasure.withdraw(actor(req, res));
      back(res, 'erasureWithdrawn');
    },
  };
}

export type PrivacyHandlers = ReturnType<typeof createPrivacyHandlers>;
