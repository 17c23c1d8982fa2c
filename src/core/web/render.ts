// One URL serves the whole page or only its fragment: htmx partial requests get the fragment,
// everything else gets it wrapped in the layout. Templates see view models, never rows, and
// escape everything (`<%=`); the layout inserts the already-rendered fragment.
import ejs from 'ejs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import { controlCharacterAlert } from './validate.ts';
import { escapeHtml } from './escape-html.ts';
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
export interface RunTemplate {
  (data: TemplateData): string;
  /** The names it and its includes read, and how to build an include's data of them (see compileTemplate). */
  dataShape(): DataShape | undefined;
}

interface DataShape {
  reads: readonly string[];
  /** Each name `own`'s value where it has one, else `data`'s. */
  build(own: TemplateData, data: TemplateData): TemplateData;
}

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
 * whole page's data. Here an include given values of its own gets an object of exactly the names
 * it and the templates it includes read (`reads`): each its own value where it gave one, else its
 * includer's. The object is built by a function made once per template, so every render of a
 * partial reads an object of one shape (V8 reads such objects fastest; an object on a chain of
 * includers' data was read through a different chain every time). An include given nothing sees
 * its includer's data as it is. A template whose names cannot all be known (an include named by a
 * variable, `locals` read as a whole) has no `reads`: its includes see their includer's data
 * through its prototype, with their own values on top. With `debug`, an error names the
 * template's file and line, as ejs's do.
 */
export function compileTemplate(text: string, filename: string, debug: boolean, findTemplate: (file: string) => RunTemplate): RunTemplate {
  const probe = new ejs.Template(text, { filename, _with: false, compileDebug: false });
  probe.compile();
  const names = templateLocals(probe.source);
  const template = new ejs.Template(text, {
    filename,
    _with: false,
    compileDebug: debug,
    destructuredLocals: names,
  });
  template.compile();
  const source = debug
    ? `let __line = 1, __lines = ${JSON.stringify(text)}, __filename = ${JSON.stringify(filename)};\n` +
      `try {\n${template.source}} catch (e) {\n  rethrow(e, __lines, __filename, __line);\n}\n`
    : template.source;
  const body = new Function('locals, escapeFn, include, rethrow', source) as TemplateBody;
  const include = (data: TemplateData) => (name: string, own?: object) => {
    const child = findTemplate(includedFile(name));
    if (!own) return child(data);
    const shape = child.dataShape();
    return child(shape ? shape.build(own as TemplateData, data) : Object.assign(Object.create(data) as TemplateData, own));
  };
  // Worked out when first needed, compiling the templates it includes. Undefined while it is being
  // worked out, so templates that include each other end as unknown rather than in a loop.
  let shape: DataShape | undefined | null = null;
  const dataShape = () => {
    if (shape === null) {
      shape = undefined;
      const reads = readsOf(probe.source, names, findTemplate);
      const build = reads && dataBuilder(reads);
      shape = reads && build ? { reads, build } : undefined;
    }
    return shape;
  };
  return Object.assign((data: TemplateData) => body(data, escapeHtml, include(data), rethrow), { dataShape });
}

/** Includes named by a literal ('/partials/icon'), and whether any is named otherwise. */
const LITERAL_INCLUDE = /\binclude\(\s*(['"])([^'"\n]+)\1/g;
const OTHER_INCLUDE = /\binclude\(\s*[^'"\s]/;
/** `locals.name`, and `locals` read any other way (ejs's own `(locals || {})` aside). */
const LOCALS_PROPERTY = /(?<![\w$.])locals\s*\.\s*([A-Za-z_$][\w$]*)/g;
const LOCALS_OTHERWISE = /(?<![\w$.])locals(?!\s*\.\s*[A-Za-z_$])(?!\s*\|\|\s*\{\}\))/;

/**
 * The names a template and every template it includes read from their data, or undefined when
 * they cannot all be known. Includes are compiled first (findTemplate compiles and caches them).
 */
function readsOf(source: string, names: readonly string[], findTemplate: (file: string) => RunTemplate): readonly string[] | undefined {
  if (OTHER_INCLUDE.test(source) || LOCALS_OTHERWISE.test(source)) return undefined;
  const reads = new Set(names);
  for (const [, name] of source.matchAll(LOCALS_PROPERTY)) reads.add(name!);
  for (const [, , name] of source.matchAll(LITERAL_INCLUDE)) {
    const included = findTemplate(includedFile(name!)).dataShape()?.reads;
    if (!included) return undefined;
    for (const read of included) reads.add(read);
  }
  return [...reads].sort();
}

/** A function building an include's data: each name its own value where `own` has one, else the includer's. */
function dataBuilder(reads: readonly string[]): ((own: TemplateData, data: TemplateData) => TemplateData) | undefined {
  // `__proto__:` in an object literal would set its prototype, not a property: such a template has no builder.
  if (reads.includes('__proto__')) return undefined;
  const fields = reads.map((name) => `${name}: hasOwn(own, '${name}') ? own.${name} : data.${name}`);
  // Every name read is a property of its own (undefined where neither has it), so nothing is read
  // from Object's prototype though the object has it.
  return new Function('hasOwn', `return (own, data) => ({ ${fields.join(', ')} });`)(Object.hasOwn);
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
  /** Counts the times a changed template emptied the cache. */
  generation = 0;

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
    // A changed template may read other names: the templates that include it, which hold what
    // their includes read, are compiled again too.
    if (this.compiled.has(filename)) {
      this.compiled.clear();
      this.generation++;
    }
    const run = compileTemplate(readFileSync(filename, 'utf8'), filename, this.checkFiles, this.get);
    this.compiled.set(filename, { run, mtimeMs: this.mtime(filename) });
    return run;
  };
}

const templates = new TemplateCache(CHECK_FILES);

/** The compiled template of a file, if it is cached and current (for tests). */
export const compiledTemplate = (filename: string): RunTemplate | undefined => templates.current(filename);

/** No values: what a page's model does not have is undefined. */
const NOTHING: TemplateData = Object.freeze(Object.create(null) as TemplateData);

export function renderTemplate(view: string, model: object): string {
  const generation = templates.generation;
  const html = renderOnce(view, model);
  // Outside production a template changed during the render, after its includers had built their
  // data of the names it read before: once more, all compiled anew.
  return templates.generation === generation ? html : renderOnce(view, model);
}

function renderOnce(view: string, model: object): string {
  // One copy of the page's data, of the names its templates read or, where those are not known,
  // without Object's prototype: a name a template reads that the data does not have is undefined,
  // even if something had set it on Object.prototype.
  const run = templates.get(viewFile(view));
  const shape = run.dataShape();
  return run(shape ? shape.build(model as TemplateData, NOTHING) : Object.assign(Object.create(null) as TemplateData, model));
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
