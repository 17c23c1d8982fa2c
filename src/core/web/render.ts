// One URL serves the whole page or only its fragment: htmx partial requests get the fragment,
// everything else gets it wrapped in the layout. Templates see view models, never rows, and
// escape everything (`<%=`); the layout inserts the already-rendered fragment.
import ejs from 'ejs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import { controlCharacterAlert } from './validate.ts';
import { csrfRetryExplanation } from './csrf-retry.ts';
import { isNoStore } from './cache-control.ts';
import { templateLocals } from './template-locals.ts';

/** Core's templates: the layout, the partials, the error pages and what several features share. */
export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../views');

/**
 * Where templates are found: core's folder and each feature's (its manifest's `views`), added by
 * the composition root. A view or include is named from its folder ('offers/show',
 * '/partials/icon'), whichever folder holds it; a name two folders hold stops start-up, since
 * either could be the one meant.
 */
const viewFolders: string[] = [VIEWS_DIR];
const CHECK_FILES = process.env.NODE_ENV !== 'production';
let viewFiles = indexViews(viewFolders);

function indexViews(folders: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of folders) {
    for (const name of readdirSync(folder, { recursive: true }) as string[]) {
      if (!name.endsWith('.ejs')) continue;
      const view = name.slice(0, -'.ejs'.length).split(path.sep).join('/');
      const file = path.join(folder, name);
      const other = files.get(view);
      if (other) throw new Error(`The template ${view} is in two folders: ${other} and ${file}`);
      files.set(view, file);
    }
  }
  return files;
}

/** Adds the folders of the features' templates (once each); throws if two folders hold one name. */
export function useViewFolders(folders: readonly string[]): void {
  const added = folders.map((folder) => path.resolve(folder)).filter((folder) => !viewFolders.includes(folder));
  if (added.length === 0) return;
  viewFiles = indexViews([...viewFolders, ...added]);
  viewFolders.push(...added);
}

/** The file of a template by its name ('offers/show'), from whichever folder holds it. */
export function viewFile(view: string): string {
  let file = viewFiles.get(view);
  if (!file && CHECK_FILES) {
    // Outside production a template added since start-up is found too.
    viewFiles = indexViews(viewFolders);
    file = viewFiles.get(view);
  }
  if (!file) throw new Error(`No template ${view} in ${viewFolders.join(', ')}`);
  return file;
}

// Includes name their file from a views folder ('/partials/field-error'). ejs resolves such a path
// against `root` (core's folder) without touching the disk, and then asks here for the file: the
// index answers, so an include costs no file-system check per render whichever folder holds it. A
// relative include ('../invoices/show') is refused: ejs would look for it beside the including
// file, on disk at every render, and not in the other features' folders.
const includeFromFolders = (name: string): { filename: string } => {
  if (!name.startsWith('/')) throw new Error(`Include ${name} by its name from a views folder ('/folder/template')`);
  return { filename: viewFile(name.replace(/^\/+/, '').replace(/\.ejs$/, '')) };
};

/**
 * A template compiled with the names it reads from its data as variables, instead of inside ejs's
 * `with (data)`, where every name is looked up dynamically (see template-locals.ts).
 */
export function compileWithoutWith(text: string, options: ejs.Options & { async: false }): ejs.TemplateFunction {
  const probe = new ejs.Template(text, { ...options, _with: false, compileDebug: false });
  probe.compile();
  return ejs.compile(text, {
    ...options,
    async: false,
    _with: false,
    destructuredLocals: templateLocals(probe.source),
  }) as ejs.TemplateFunction;
}

/**
 * The portal's compiled templates (pages, layout and the partials they include), compiled once per
 * process: reading and compiling per request was most of a page's Node time. Outside production a
 * template is compiled again when its file changed (one stat per template and render), so edits
 * show without a restart. Kept apart from ejs's global cache, which the host may use its own way.
 *
 * ejs asks this cache for each include, and compiles what it does not find with the including
 * template's options, its data's names among them: so the cache compiles every template itself,
 * each with its own names.
 */
class TemplateCache {
  private readonly compiled = new Map<string, { fn: ejs.TemplateFunction; mtimeMs: number }>();

  constructor(private readonly checkFiles: boolean) {}

  private mtime(filename: string): number {
    return this.checkFiles ? statSync(filename).mtimeMs : 0;
  }

  /** The compiled template of a file, if it is cached and current. */
  current(filename: string): ejs.TemplateFunction | undefined {
    const entry = this.compiled.get(filename);
    if (!entry) return undefined;
    return !this.checkFiles || entry.mtimeMs === this.mtime(filename) ? entry.fn : undefined;
  }

  // The interface ejs expects of its cache (get/set/remove/reset), keyed by file name.
  get(filename: string): ejs.TemplateFunction {
    const cached = this.current(filename);
    if (cached) return cached;
    // In production a template runs without ejs's line bookkeeping (a statement per template line,
    // and a try around the whole), which only names the template line of an error; elsewhere
    // errors keep it.
    const fn = compileWithoutWith(readFileSync(filename, 'utf8'), {
      filename,
      root: VIEWS_DIR,
      includer: includeFromFolders,
      async: false,
      cache: true,
      compileDebug: this.checkFiles,
    });
    this.set(filename, fn);
    return fn;
  }
  set(filename: string, fn: ejs.TemplateFunction): void {
    this.compiled.set(filename, { fn, mtimeMs: this.mtime(filename) });
  }
  remove(filename: string): void {
    this.compiled.delete(filename);
  }
  reset(): void {
    this.compiled.clear();
  }
}

const templates = new TemplateCache(CHECK_FILES);

/** The compiled template of a file, if it is cached and current (for tests). */
export const compiledTemplate = (filename: string): ejs.TemplateFunction | undefined => templates.current(filename);

export function renderTemplate(view: string, model: object): string {
  const filename = viewFile(view);
  // ejs looks includes up in `ejs.cache`; rendering is synchronous, so the portal's own cache
  // stands in for exactly this call and the host's is back before anything else runs.
  const hostCache = ejs.cache;
  ejs.cache = templates;
  try {
    return templates.get(filename)(model);
  } finally {
    ejs.cache = hostCache;
  }
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
  /** Puts the rendered layout inside another document (the host's page around the admin pages). */
  frame?: (html: string) => string;
}

export function sendPage(req: Request, res: Response, view: string, model: object, options: PageOptions): void {
  const body = renderTemplate(view, model);
  // A form shown again after a stale CSRF token (see csrf-retry.ts) was still refused: 403, though
  // the page lets the person go on. htmx answers keep the 200 formAnswerStatus chose for them.
  // A form refused for a control character says so above it too (see validate.ts).
  const csrfAlert = csrfRetryExplanation(req);
  const formAlert = csrfAlert ?? controlCharacterAlert(req) ?? null;
  res.status(csrfAlert && options.status === 400 ? 403 : (options.status ?? 200));
  res.set('Vary', 'HX-Request, HX-Request-Type');
  if (isFragmentRequest(req)) {
    sendHtml(req, res, body);
    return;
  }
  const page = renderTemplate(options.layout, { ...options.chrome, title: options.title, body, formAlert });
  sendHtml(req, res, options.frame ? options.frame(page) : page);
}

/**
 * An HTML answer. res.send hashes the whole body for an ETag (the host app's setting, not ours to
 * change); a page sent with Cache-Control no-store is never kept, so never asked for again with its
 * ETag. Such a page goes out without one, its length counted without copying it into a Buffer.
 */
function sendHtml(req: Request, res: Response, html: string): void {
  res.type('html');
  if (!isNoStore(res)) {
    res.send(html);
    return;
  }
  res.set('Content-Length', String(Buffer.byteLength(html)));
  if (req.method === 'HEAD') res.end();
  else res.end(html, 'utf8');
}
