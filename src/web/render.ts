// One URL serves the whole page or only its fragment: htmx partial requests get the fragment,
// everything else gets it wrapped in the layout. Templates see view models, never rows, and
// escape everything (`<%=`); the layout inserts the already-rendered fragment.
import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views');

const cache = process.env.NODE_ENV === 'production';

export function renderTemplate(view: string, model: object): string {
  // ejs.renderFile answers with a Promise whenever it gets no callback, whatever `async` says;
  // render() with the file name is synchronous and resolves includes relative to that file.
  const filename = path.join(VIEWS_DIR, `${view}.ejs`);
  return ejs.render(readFileSync(filename, 'utf8'), model, { filename, async: false, cache });
}

export function isFragmentRequest(req: Request): boolean {
  return req.get('HX-Request') === 'true' && req.get('HX-Request-Type') === 'partial';
}

/**
 * The status to answer a form re-rendered in place with (errors, a limit). htmx swaps the answer
 * whatever its status, but the browser reports every 4xx as a console error; so htmx gets 200 and
 * the page says what went wrong, while a plain form post gets the real status.
 */
export function formAnswerStatus(req: Request, status: number): number {
  return req.get('HX-Request') === 'true' && status >= 400 && status < 500 ? 200 : status;
}

export interface PageOptions {
  layout: string;
  title: string;
  status?: number;
  /** Everything the layout needs (branding, navigation, CSRF token...). */
  chrome: object;
}

export function sendPage(req: Request, res: Response, view: string, model: object, options: PageOptions): void {
  const body = renderTemplate(view, model);
  res.status(options.status ?? 200);
  res.set('Vary', 'HX-Request, HX-Request-Type');
  if (isFragmentRequest(req)) {
    res.type('html').send(body);
    return;
  }
  res.type('html').send(renderTemplate(options.layout, { ...options.chrome, title: options.title, body }));
}
