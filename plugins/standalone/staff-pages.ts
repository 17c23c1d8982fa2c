// The standalone server's own HTML: the staff sign-in page, its error pages, and the staff layout
// (HostLayoutPort.staffPage) around the portal's staff pages. Built from strings: every value that
// came from a request or the CRM goes through escapeHtml.
import type { Request, Response } from 'express';
import {
  type HostStaffUser,
  type HostWorkspace,
  browserLocale,
  translator,
  type Locale,
  type Translate,
  escapeHtml,
} from '../../src/index.ts';

export const STAFF_ASSETS = '/staff-assets';
export const STAFF_PATHS = {
  signIn: '/staff/sign-in',
  signOut: '/staff/sign-out',
  home: '/staff',
  portal: '/portal',
  admin: '/staff/portal',
  messages: '/staff/messages',
  notifications: '/staff/notifications',
} as const;

export interface StaffPageLocals {
  staff: HostStaffUser;
  workspace: HostWorkspace;
  csrfToken: string;
}

export function requestLocale(req: Request): { locale: Locale; t: Translate } {
  const locale = browserLocale(req) ?? 'en';
  return { locale, t: translator(locale) };
}

function documentOf(locale: Locale, title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STAFF_ASSETS}/staff.css">
${head}
</head>
<body>
${body}
</body>
</html>`;
}

/** The header around every staff page: the CRM and workspace, the portal's staff sections, sign-out. */
export function staffLayout(crmName: string) {
  return {
    staffPage(req: Request, res: Response, page: { title: string; head: string; body: string }): string {
      const { locale, t } = requestLocale(req);
      const locals = res.locals.standaloneStaff as StaffPageLocals | undefined;
      const links = [
        ...(locals?.staff.role === 'admin' ? [[STAFF_PATHS.admin, t('staffSignIn:settings')]] : []),
        [STAFF_PATHS.messages, t('staffSignIn:inbox')],
        [STAFF_PATHS.notifications, t('staffSignIn:notifications')],
      ];
      const header = `<a class="skip-link" href="#main">${escapeHtml(t('staffSignIn:skip'))}</a>
<header class="staff-header">
<span class="crm">${escapeHtml(crmName)}</span>
${locals ? `<span class="workspace">${escapeHtml(locals.workspace.name)}</span>` : ''}
<nav aria-label="${escapeHtml(t('staffSignIn:nav'))}"><ul>${links.map(([href, label]) => `<li><a href="${href}">${escapeHtml(label!)}</a></li>`).join('')}</ul></nav>
${
  locals
    ? `<span class="who">${escapeHtml(locals.staff.name)}</span>
<form method="post" action="${STAFF_PATHS.signOut}"><input type="hidden" name="_csrf" value="${escapeHtml(locals.csrfToken)}"><button type="submit">${escapeHtml(t('staffSignIn:signOut'))}</button></form>`
    : ''
}
</header>`;
      // An account without an email (a fresh Dolibarr's first admin) signs in all the same; what
      // the portal would email it (notifications) is skipped, and it says so on every page.
      const noEmail =
        locals && locals.staff.email.trim() === ''
          ? `<p class="notice" role="status" id="staff-no-email">${escapeHtml(t('staffSignIn:noEmail', { crm: crmName }))}</p>\n`
          : '';
      return documentOf(locale, page.title, page.head, `${header}\n<main id="main">\n${noEmail}${page.body}\n</main>`);
    },
  };
}

export interface SignInView {
  crmName: string;
  csrfToken: string;
  login?: string;
  error?: string;
  notice?: string;
  /** Focus on the authenticator code: the password was right and the CRM asks for a second factor. */
  askCode?: boolean;
}

export function renderSignIn(req: Request, view: SignInView): string {
  const { locale, t } = requestLocale(req);
  const message = view.error
    ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(view.error)}</p>`
    : view.notice
      ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>`
      : '';
  const described = view.error ? ' aria-describedby="sign-in-error"' : '';
  const body = `<main id="main" class="sign-in">
<h1>${escapeHtml(t('staffSignIn:title'))}</h1>
<p>${escapeHtml(t('staffSignIn:intro', { crm: view.crmName }))}</p>
${message}
<form method="post" action="${STAFF_PATHS.signIn}" novalidate>
<input type="hidden" name="_csrf" value="${escapeHtml(view.csrfToken)}">
<label for="login">${escapeHtml(t('staffSignIn:login'))}</label>
<input id="login" name="login" type="text" autocomplete="username" required maxlength="255" value="${escapeHtml(view.login ?? '')}"${described}>
<label for="password">${escapeHtml(t('staffSignIn:password'))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200"${described}>
<label for="code">${escapeHtml(t('staffSignIn:code'))}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="16"${view.askCode ? ' autofocus' : ''}${described}>
<button type="submit">${escapeHtml(t('staffSignIn:submit'))}</button>
</form>
</main>`;
  return documentOf(locale, `${t('staffSignIn:title')} · ${view.crmName}`, '', body);
}

/** A plain error page (4xx with a clear message, or 500) outside the signed-in layout. */
export function renderStaffError(req: Request, crmName: string, message: string): string {
  const { locale } = requestLocale(req);
  const body = `<main id="main" class="sign-in">
<h1>${escapeHtml(crmName)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p><a href="${STAFF_PATHS.signIn}">${escapeHtml(translator(locale)('staffSignIn:title'))}</a></p>
</main>`;
  return documentOf(locale, crmName, '', body);
}
