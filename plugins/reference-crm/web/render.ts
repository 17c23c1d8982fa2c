// Renders a page from plugins/reference-crm/views with the layout's data. It renders by file path
// instead of through app.set('views'), so the CRM's templates do not claim the app's view
// settings, which a plugin mounted into the same app may want for itself.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Response } from 'express';
import { currentStaff } from './auth.ts';
import { headerItems } from './header-items.ts';
import type { FieldError } from './forms.ts';

export const VIEWS_DIR = fileURLToPath(new URL('../views/', import.meta.url));

export type Section =
  | 'dashboard' | 'clients' | 'contacts' | 'proposals' | 'quotations' | 'invoices' | 'tasks' | 'documents' | 'settings';

const NAV: ReadonlyArray<{ section: Section; label: string; href: string }> = [
  { section: 'dashboard', label: 'Dashboard', href: '/' },
  { section: 'clients', label: 'Clients', href: '/clients' },
  { section: 'contacts', label: 'Contacts', href: '/contacts' },
  { section: 'proposals', label: 'Proposals', href: '/proposals' },
  { section: 'quotations', label: 'Quotations', href: '/quotations' },
  { section: 'invoices', label: 'Invoices', href: '/invoices' },
  { section: 'tasks', label: 'Tasks', href: '/tasks' },
  { section: 'documents', label: 'Documents', href: '/documents' },
  { section: 'settings', label: 'Settings', href: '/settings' },
];

export interface PageModel {
  title: string;
  section?: Section;
  [key: string]: unknown;
}

export async function renderView(res: Response, view: string, page: PageModel): Promise<string> {
  const staff = currentStaff(res);
  const csrfToken: unknown = res.locals.csrfToken;
  return ejs.renderFile(
    join(VIEWS_DIR, `${view}.ejs`),
    {
      ...page,
      layout: {
        title: page.title,
        section: page.section ?? null,
        staff: staff ? { name: staff.name, role: staff.role, workspaceName: staff.workspaceName } : null,
        csrfToken: typeof csrfToken === 'string' ? csrfToken : '',
        nav: NAV,
        headerItems: headerItems(res),
      },
    },
    { cache: process.env.NODE_ENV === 'production' },
  );
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
