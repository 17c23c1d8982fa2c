// Renders a page from plugins/reference-crm/views with the layout's data. It renders by file path
// instead of through app.set('views'), so the CRM's templates do not claim the app's view
// settings, which a plugin mounted into the same app may want for itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Request, Response } from 'express';
import { ensureCsrfToken } from './csrf.ts';
import { currentStaff } from './auth.ts';
import { headerItems } from './header-items.ts';
import type { FieldError } from './forms.ts';

export const VIEWS_DIR = fileURLToPath(new URL('../views/', import.meta.url));

export type Section =
  | 'dashboard'
  | 'clients'
  | 'contacts'
  | 'proposals'
  | 'quotations'
  | 'invoices'
  | 'tasks'
  | 'tickets'
  | 'knowledge'
  | 'requests'
  | 'appointments'
  | 'approvals'
  | 'orders'
  | 'documents'
  | 'settings';

const NAV: ReadonlyArray<{ section: Section; label: string; href: string }> = [
  { section: 'dashboard', label: 'Dashboard', href: '/' },
  { section: 'clients', label: 'Clients', href: '/clients' },
  { section: 'contacts', label: 'Contacts', href: '/contacts' },
  { section: 'proposals', label: 'Proposals', href: '/proposals' },
  { section: 'quotations', label: 'Quotations', href: '/quotations' },
  { section: 'invoices', label: 'Invoices', href: '/invoices' },
  { section: 'tasks', label: 'Tasks', href: '/tasks' },
  { section: 'tickets', label: 'Tickets', href: '/tickets' },
  { section: 'knowledge', label: 'Help articles', href: '/knowledge-base' },
  { section: 'requests', label: 'Requests', href: '/requests' },
  { section: 'appointments', label: 'Appointments', href: '/appointments' },
  { section: 'approvals', label: 'Approvals', href: '/approvals' },
  { section: 'orders', label: 'Orders', href: '/orders' },
  { section: 'documents', label: 'Documents', href: '/documents' },
  { section: 'settings', label: 'Settings', href: '/settings' },
];

export interface PageModel {
  title: string;
  section?: Section;
  [key: string]: unknown;
}

function layoutModel(res: Response, page: PageModel, csrfToken: unknown, head = '') {
  const staff = currentStaff(res);
  return {
    title: page.title,
    section: page.section ?? null,
    staff: staff ? { name: staff.name, role: staff.role, workspaceName: staff.workspaceName } : null,
    csrfToken: typeof csrfToken === 'string' ? csrfToken : '',
    nav: NAV,
    headerItems: headerItems(res),
    head,
  };
}

export async function renderView(res: Response, view: string, page: PageModel): Promise<string> {
  return ejs.renderFile(
    join(VIEWS_DIR, `${view}.ejs`),
    { ...page, layout: layoutModel(res, page, res.locals.csrfToken) },
    { cache: process.env.NODE_ENV === 'production' },
  );
}

/**
 * A plugin's staff page inside the CRM's own header and navigation (the portal's HostLayoutPort):
 * `head` joins the CRM's <head>, `body` goes into its <main>. Plugin routes are mounted before the
 * CRM's CSRF middleware, so the sign-out form's token is read from the session here.
 */
export function renderPluginPage(
  req: Request,
  res: Response,
  page: { title: string; head: string; body: string; section?: Section },
): string {
  const filename = join(VIEWS_DIR, 'plugin-page.ejs');
  const model = {
    body: page.body,
    layout: layoutModel(
      res,
      { title: page.title, section: page.section ?? 'settings' },
      currentStaff(res) ? ensureCsrfToken(req) : '',
      page.head,
    ),
  };
  return ejs.render(readFileSync(filename, 'utf8'), model, { filename, cache: process.env.NODE_ENV === 'production' });
}

export async function render(res: Response, view: string, page: PageModel, status = 200): Promise<void> {
  const html = await renderView(res, view, page);
  res.status(status).type('html').send(html);
}

/** What a form template needs to redisplay submitted values and their errors. */
export interface FormView {
  errors: FieldError[];
  value(name: string): string;
  error(name: string): string | undefined;
}

export function formView(values: unknown = {}, errors: FieldError[] = []): FormView {
  const source = values && typeof values === 'object' ? (values as Record<string, unknown>) : {};
  const byField = new Map(errors.map((e) => [e.field, e.message]));
  return {
    errors,
    value: (name) => {
      const value = source[name];
      return typeof value === 'string' ? value : '';
    },
    error: (name) => byField.get(name),
  };
}
