// "Your language" for the portal's staff side: any staff member chooses the language of the
// portal's staff pages, of the notifications and emails it sends them and of its items in the
// CRM's header, whatever their browser says. Served beside the notifications because that router
// is the one every staff member reaches. Post/redirect/get back to the page they came from.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  hostFrame,
  LOCALE_NAMES,
  type PortalConfig,
  saveStaffLocale,
  sendPage,
  staffChrome,
  staffContext,
  staffWords,
  SUPPORTED_LOCALES,
  validateBody,
  validateQuery,
  type WorkspaceCache,
} from '../../core/index.ts';
import type { Knex } from 'knex';

/** A page of the portal's staff side to go back to: a path under one of its routers, nothing else. */
function staffReturnPath(config: PortalConfig) {
  const roots = [config.adminPath, config.messagesPath, config.notificationsPath].map((root) => root.replace(/\/+$/, ''));
  return z
    .string()
    .max(500)
    .refine((value) => /^\/[A-Za-z0-9/_%.~-]*$/.test(value) && !value.startsWith('//'), 'That address is not a page of the portal.')
    .refine((value) => roots.some((root) => value === root || value.startsWith(`${root}/`)), 'That address is not a page of the portal.')
    .optional()
    .catch(undefined);
}

export function languageRoutes(deps: { db: Knex; config: PortalConfig; workspaces: Pick<WorkspaceCache, 'changed'> }): Router {
  const { db, config } = deps;
  const router = Router();
  const returnTo = staffReturnPath(config);
  const LanguageQuery = z.object({ returnTo, saved: z.literal('1').optional().catch(undefined) });
  const LanguageCommand = z.object({
    locale: z.enum(['', ...SUPPORTED_LOCALES], { error: 'Choose a language from the list.' }),
    returnTo,
  });
  const path = `${config.notificationsPath}/language`;

  router.get('/language', validateQuery(LanguageQuery), (req: Request, res: Response) => {
    const context = staffContext(res);
    const query = res.locals.query as z.infer<typeof LanguageQuery>;
    const { t } = context.i18n;
    const title = t('notifications:language.title');
    // No language link on the language page itself.
    const chrome = staffChrome(context, [{ label: t('notifications:list.title'), href: config.notificationsPath, current: false }], null);
    sendPage(
      req,
      res,
      'notifications/language',
      {
        ...staffWords(context.i18n),
        action: path,
        csrfToken: context.csrfToken,
        returnTo: query.returnTo ?? '',
        backUrl: query.returnTo ?? config.notificationsPath,
        saved: query.saved === '1',
        // Each language in its own words, as a reader looking for theirs expects.
        choices: SUPPORTED_LOCALES.map((locale) => ({ value: locale, label: LOCALE_NAMES[locale] })),
        chosen: context.chosenLocale,
      },
      { ...hostFrame(req, res, context.hostLayout, chrome, title), title, status: 200, chrome },
    );
  });

  router.post('/language', validateBody(LanguageCommand), async (req: Request, res: Response) => {
    const { staff, workspace } = staffContext(res);
    const input = req.body as z.infer<typeof LanguageCommand>;
    await saveStaffLocale(db, workspace.id, staff.id, input.locale === '' ? null : input.locale);
    // Every instance reads the staff's languages with the workspace: it loads them again.
    await deps.workspaces.changed(workspace.id);
    const back = new URLSearchParams({ saved: '1', ...(input.returnTo ? { returnTo: input.returnTo } : {}) });
    res.redirect(303, `${path}?${back}`);
  });

  return router;
}
