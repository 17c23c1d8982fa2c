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

// Includes name their file from a views folder ('/partials/field-error') and are found in the
// index, so an include costs no file-system check per render whichever folder holds it. A relative
// include ('../invoices/show') is refused: it would name a file beside the including one only, not
// in the other features' folders.
const includedFile = (name: string): string => {
  if (!name.startsWith('/')) throw new Error(`Include ${name} by its name from a views folder ('/folder/template')`);
  return viewFile(name.replace(/^\/+/, '').replace(/\.ejs$/, ''));
};

/** A template's data: a page's own, or an include's seen through its includer's. */
type TemplateData = Record<string, unknown>;

/** A compiled template, given its data. */
export type RunTemplate = (data: TemplateData) => string;

type TemplateBody = (
  locals: TemplateData,
  escapeFn: (value: unknown) => string,
  include: (name: string, data?: object) => string,
  rethrow: (err: Error, text: string, filename: string, line: number) => never,
) => string;

/** As ejs reports an error in a template: the file, the line and the lines around it. */
function rethrow(err: Error & { path?: string }, text: string, filename: string, line: number): never {
  const lines = text.split('\n');
  const start = Math.max(line - 3, 0);
  const context = lines
    .slice(start, Math.min(lines.length, line + 3))
    .map((content, i) => `${i + start + 1 === line ? ' >> ' : '    '}${i + start + 1}| ${content}`)
    .join('\n');
  err.path = filename;
  err.message = `${filename}:${line}\n${context}\n\n${err.message}`;
  throw err;
}

/**
 * A template compiled with the names it reads from its data as variables, instead of inside ejs's
 * `with (data)`, where every name is looked up dynamically (see template-locals.ts).
 *
 * ejs writes the template's JavaScript; the portal runs it. ejs's own runner copies the data into a
 * fresh object for every template and twice for every include, so a row's partial copied the
 * whole page's data (a quarter of the dashboard's render time). Here an include sees its includer's
 * data through its prototype, with only its own values on top: nothing is copied. With `debug`,
 * an error names the template's file and line, as ejs's do.
 */
export function compileTemplate(text: string, filename: string, debug: boolean, findTemplate: (file: string) => RunTemplate): RunTemplate {
  const probe = new ejs.Template(text, { filename, _with: false, compileDebug: false });
  probe.compile();
  const template = new ejs.Template(text, {
    filename,
    _with: false,
    compileDebug: debug,
    destructuredLocals: templateLocals(probe.source),
  });
  template.compile();
  const source = debug
    ? `let __line = 1, __lines = ${JSON.stringify(text)}, __filename = ${JSON.stringify(filename)};\n` +
      `try {\n${template.source}} catch (e) {\n  rethrow(e, __lines, __filename, __line);\n}\n`
    : template.source;
  const body = new Function('locals, escapeFn, include, rethrow', source) as TemplateBody;
  const run: RunTemplate = (data) => {
    const include = (name: string, own?: object) =>
      findTemplate(includedFile(name))(own ? Object.assign(Object.create(data) as TemplateData, own) : data);
    return body(data, ejs.escapeXML, include, rethrow);
  };
  return run;
}

/**
 * The portal's compiled templates (pages, layout and the partials they include), compiled once per
 * process: reading and compiling per request was most of a page's Node time. Outside production a
 * template is compiled again when its file changed (one stat per template and render), so edits
 * show without a restart; there an error also names the template's line, which costs a statement
 * per line. The portal does not use ejs's global cache, which the host may use its own way.
 */
class TemplateCache {
  private readonly compiled = new Map<string, { run: RunTemplate; mtimeMs: number }>();

  constructor(private readonly checkFiles: boolean) {}

  private mtime(filename: string): number {
    return this.checkFiles ? statSync(filename).mtimeMs : 0;
  }

  /** The compiled template of a file, if it is cached and current. */
  current(filename: string): RunTemplate | undefined {
    const entry = this.compiled.get(filename);
    if (!entry) return undefined;
    return !this.checkFiles || entry.mtimeMs === this.mtime(filename) ? entry.run : undefined;
  }

  /** The compiled template of a file, compiled now if it is not cached or not current. */
  get = (filename: string): RunTemplate => {
    const cached = this.current(filename);
    if (cached) return cached;
    const run = compileTemplate(readFileSync(filename, 'utf8'), filename, this.checkFiles, this.get);
    this.compiled.set(filename, { run, mtimeMs: this.mtime(filename) });
    return run;
  };
}

const templates = new TemplateCache(CHECK_FILES);

/** The compiled template of a file, if it is cached and current (for tests). */
export const compiledTemplate = (filename: string): RunTemplate | undefined => templates.current(filename);

export function renderTemplate(view: string, model: object): string {
  // One copy of the page's data, without Object's prototype: a name a template reads that the data
  // does not have is undefined, even if something had set it on Object.prototype.
  return templates.get(viewFile(view))(Object.assign(Object.create(null) as TemplateData, model));
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
 * ETag. Such a page goes out without one, encoded once: a string given to res.end is measured for
 * its length twice and encoded a third time as it is written, and a page with a character beyond
 * Latin-1 (a euro sign) is a two-byte string whose every pass costs more.
 */
function sendHtml(req: Request, res: Response, html: string): void {
  res.type('html');
  if (!isNoStore(res)) {
    res.send(html);
    return;
  }
  const bytes = Buffer.from(html, 'utf8');
  res.set('Content-Length', String(bytes.length));
  if (req.method === 'HEAD') res.end();
  else res.end(bytes);
}
