// What a French and a German session meet walking the portal in Chromium: no English. A client follows
// every link of the portal from the dashboard, and an admin every link of the portal's staff pages
// from the settings. Each page must say lang="<locale>" and show, in its text or in what a screen
// reader reads (aria-label, title, alt, placeholder), no sentence of the English language files
// that the locale does not share, and none of the English words a hard-coded text would leave. Each
// page passes axe, and the client's, walked at 390 px, are no wider than the screen; and
// the words a script sets (a copy button's "Copied") are the page's language too.
// Each language's walk is a test file of its own (translated-walk-de, translated-walk-fr).
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { LOCALES_DIR, loadResources, translator, type Locale } from '../../src/core/i18n/translations.ts';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';
import type { PortalHarness } from '../support/portal-harness.ts';
import { axeResults, openPage, portalInChromium, staffSignIn } from '../support/browser-pages.ts';

const FOLDERS = [LOCALES_DIR, ...FEATURE_MANIFESTS.flatMap((feature) => (feature.locales ? [feature.locales] : []))];

function textsOf(tree: object): string[] {
  return Object.values(tree).flatMap((inner) => (inner !== null && typeof inner === 'object' ? textsOf(inner as object) : [String(inner)]));
}

/** English words of the interface a text written into a view, not through t(), would show. */
const HARD_CODED = [
  'Sign in',
  'Sign out',
  'Skip to content',
  'Save',
  'Cancel',
  'Back to',
  'Download',
  'Show all',
  'Next page',
  'First page',
  'Loading',
  'Close',
  'Menu',
  'Your ',
  'You have',
  'Choose',
  'Enter ',
];

/**
 * The English a page of another locale must not show: each English text cut at its placeholders
 * and tags, keeping the pieces of two words or more and twelve letters, and the words a text
 * written into a view would leave (HARD_CODED); each only where no text of the locale contains it
 * ("Version {{version}}" reads the same in French, "Menu" is French too).
 */
function englishFragments(locale: Locale): string[] {
  const resources = loadResources(FOLDERS);
  const own = Object.values(resources[locale]!).flatMap(textsOf).join('\n').toLowerCase();
  const hardCoded = HARD_CODED.map((word) => word.trim()).filter((word) => !own.includes(word.toLowerCase()));
  const pieces = Object.values(resources.en!)
    .flatMap(textsOf)
    .flatMap((text) => text.split(/\{\{[^}]*\}\}|\$t\([^)]*\)|<[^>]*>|\n/))
    .map((piece) =>
      piece
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/[.:;,!?]+$/, ''),
    )
    .filter((piece) => piece.includes(' ') && piece.length >= 12 && !own.includes(piece.toLowerCase()));
  return [...new Set([...pieces, ...hardCoded])];
}

/** The links a walk follows: the portal's own pages, never a sign-out, a download or the host's pages. */
function followable(href: string, base: string, prefixes: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  if (url.origin !== new URL(base).origin) return null;
  if (!prefixes.some((prefix) => url.pathname.startsWith(prefix))) return null;
  if (/sign-out|signout|[./]pdf$|\.zip$|\.ics$|\/download|\/raw|\/file$|\/logo|\/assets\//.test(url.pathname)) return null;
  url.hash = '';
  return url.pathname + url.search;
}

/** A page's address with its ids and query values blanked: a walk visits a few of each shape. */
const shapeOf = (path: string) => path.replace(/\d+/g, 'N').replace(/=[^&]*/g, '=');

interface Seen {
  path: string;
  lang: string;
  english: string[];
  problems: string[];
}

/**
 * Every page in a language passes axe, and at 390 px nothing is wider than the screen: its words
 * are often longer than English ones. A PDF in Chromium's viewer is the browser's, not the page's.
 */
async function accessibleAndNarrow(page: Page): Promise<string[]> {
  const results = await axeResults(page, {
    browserViewers: await page.$$eval('iframe', (frames) =>
      frames.map((f) => (f.className ? `iframe.${f.className.split(' ')[0]}` : 'iframe')),
    ),
  });
  const problems = results.violations.map((v) => `axe ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  const width = page.viewportSize()?.width;
  const wider = await page.evaluate(() =>
    document.documentElement.scrollWidth > document.documentElement.clientWidth
      ? [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${String(e.className).split(' ')[0]}`)
          .slice(0, 4)
      : [],
  );
  if (wider.length > 0) problems.push(`wider than ${width} px: ${wider.join(', ')}`);
  return problems;
}

const wordPatterns = new Map<string, RegExp>();
/** A piece of text found only as whole words ("Paid" is not in "Unpaid", "Open" not in "Opened"). */
function wholeWords(text: string): RegExp {
  let pattern = wordPatterns.get(text);
  if (!pattern) {
    pattern = new RegExp(`(^|[^\\p{L}])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\p{L}]|$)`, 'u');
    wordPatterns.set(text, pattern);
  }
  return pattern;
}

async function readPage(page: Page, scope: string, fragments: readonly string[]): Promise<Pick<Seen, 'lang' | 'english'>> {
  const { lang, text } = await page.evaluate((selector) => {
    const root = document.querySelector(selector) ?? document.body;
    // Text marked as written in another language (an agency's help article kept in English only)
    // is the agency's content, said so to the reader's browser: left out of the reading.
    // The page's title names such an article too.
    let title = document.title;
    for (const element of root.querySelectorAll<HTMLElement>('[lang]')) {
      if (!element.lang || element.lang === document.documentElement.lang) continue;
      for (const heading of element.querySelectorAll('h1')) title = title.replace(heading.textContent ?? '', '');
      element.style.display = 'none';
    }
    const said = [...root.querySelectorAll('[aria-label], [title], [alt], [placeholder]')].flatMap((element) =>
      ['aria-label', 'title', 'alt', 'placeholder'].map((name) => element.getAttribute(name) ?? ''),
    );
    // What the page shows, as laid out: text inside a closed <details> or a hidden panel is not shown.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point here.
    const shown = (root as HTMLElement).innerText;
    return { lang: document.documentElement.lang, text: [title, shown, ...said].join('\n') };
  }, scope);
  const flat = text.replace(/\s+/g, ' ');
  const english = fragments.filter((fragment) => wholeWords(fragment).test(flat));
  return { lang, english };
}

/** Follows the links from `start` breadth first: at most `limit` pages, and three of each shape. */
async function walk(
  page: Page,
  base: string,
  start: string,
  options: {
    prefixes: readonly string[];
    scope: string;
    fragments: readonly string[];
    limit: number;
    /** What else each page is held to, before it is read: the problems found, none when it passes. */
    check?: (page: Page) => Promise<string[]>;
  },
): Promise<Seen[]> {
  const queue = [start];
  const queued = new Set(queue);
  const shapes = new Map<string, number>();
  const seen: Seen[] = [];
  while (queue.length > 0 && seen.length < options.limit) {
    const path = queue.shift()!;
    // A file the page links to without saying so starts a download rather than a page: skipped.
    const response = await page.goto(`${base}${path}`).catch((error: Error) => {
      if (/Download is starting/.test(error.message)) return null;
      throw error;
    });
    if (!response || response.status() >= 400 || !page.url().startsWith(base)) continue;
    const problems = options.check ? await options.check(page) : [];
    seen.push({ path, ...(await readPage(page, options.scope, options.fragments)), problems });
    const hrefs = await page.$$eval('a[href]:not([download])', (links) => links.map((link) => link.getAttribute('href') ?? ''));
    for (const href of hrefs) {
      const next = followable(href, page.url(), options.prefixes);
      if (!next || queued.has(next)) continue;
      const shape = shapeOf(next);
      if ((shapes.get(shape) ?? 0) >= 3) continue;
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
      queued.add(next);
      queue.push(next);
    }
  }
  return seen;
}

/**
 * The walk in one language, as a file of its own (translated-walk-<locale>.browser.test.ts): each
 * language's walk boots its own portal and browser, so the two run side by side.
 */
export function walkInLanguage(locale: Exclude<Locale, 'en'>): void {
  describe(`A ${locale === 'fr' ? 'French' : 'German'} session walks the portal in Chromium and meets no English`, function () {
    this.timeout(600_000);
    let h: PortalHarness;
    let browser: Browser;
    portalInChromium((started) => ({ h, browser } = started));
    let workspaceId: string;
    before(async function () {
      // Every part of the portal on, so the walk meets every section's pages.
      workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
      const everything = {
        allow_online_payments: true,
        allow_file_uploads: true,
        allow_company_details_edit: true,
        show_tickets: true,
        show_requests: true,
        show_appointments: true,
        show_approvals: true,
        show_orders: true,
        show_devices: true,
        show_contracts: true,
        show_time_entries_to_clients: true,
      };
      await h.crm
        .db('workspace_client_portal_settings')
        .insert({ workspace_id: workspaceId, ...everything })
        .onConflict('workspace_id')
        .merge();
      await h.crm.portal.workspaceChanged(workspaceId);
    });
    beforeEach(async function () {
      await h.crm.db('portal_rate_limits').delete();
    });

    // The client admin: the Team page and the company's details are hers too.
    const olivia = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'olivia@northwind.test')!;
    const admin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;

    const fragments = englishFragments(locale);
    const region = locale === 'fr' ? 'fr-FR' : 'de-DE';

    it(`a client's every page in ${locale}`, async function () {
      expect(fragments.length, 'English sentences to look for').to.be.greaterThan(500);
      // At a phone's width, as clients often read the portal.
      const { page, context, consoleErrors } = await openPage(browser, { locale: region, width: 390 });
      try {
        await page.goto(`${h.crm.url}/portal/demo/sign-in`);
        const signIn = await readPage(page, 'body', fragments);
        expect(signIn.lang, 'sign-in').to.equal(locale);
        expect(signIn.english, 'sign-in').to.deep.equal([]);
        await page.fill('#email', olivia().email);
        await page.fill('#password', olivia().password);
        await Promise.all([page.waitForURL(/\/portal\/demo\/$/), page.press('#password', 'Enter')]);
        const seen = await walk(page, h.crm.url, '/portal/demo/', {
          prefixes: ['/portal/demo/'],
          scope: 'body',
          fragments,
          limit: 160,
          check: accessibleAndNarrow,
        });
        expect(seen.length, 'pages walked').to.be.greaterThan(40);
        expect(seen.filter((s) => s.lang !== locale).map((s) => s.path)).to.deep.equal([]);
        expect(seen.filter((s) => s.english.length > 0).map(({ path, english }) => `${path}: ${english.join(' | ')}`)).to.deep.equal([]);
        expect(seen.filter((s) => s.problems.length > 0).map(({ path, problems }) => `${path}: ${problems.join(' | ')}`)).to.deep.equal([]);
        expect(consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });

    it(`says in ${locale} that an address was copied`, async function () {
      // The copy button's words are set by the page, in its language: the script has none of its own.
      const { page, context, consoleErrors } = await openPage(browser, { locale: region });
      try {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.crm.url });
        await staffSignIn(page, h.crm.url, admin());
        await page.goto(`${h.crm.url}/settings/client-portal`);
        const button = page.locator('button[data-copy="portal-sign-in-url"]');
        await button.click();
        const status = page.locator('#portal-sign-in-url-copied');
        await page.waitForFunction(() => document.getElementById('portal-sign-in-url-copied')?.textContent !== '');
        const t = translator(locale);
        expect(await button.evaluate((b) => b.firstChild?.textContent)).to.equal(t('staff:copied'));
        expect(await status.textContent()).to.equal(t('staff:copiedStatus'));
        expect(await page.evaluate(() => navigator.clipboard.readText())).to.match(/\/portal\/demo\/sign-in$/);
        expect(consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });

    it(`an admin's every portal page in ${locale}`, async function () {
      const { page, context, consoleErrors } = await openPage(browser, { locale: region });
      try {
        await staffSignIn(page, h.crm.url, admin());
        // The portal's part of each staff page: the reference CRM's header around it stands in for
        // the host, whose pages are not the portal's to translate.
        const seen = await walk(page, h.crm.url, '/settings/client-portal', {
          prefixes: ['/settings/client-portal', '/client-portal'],
          scope: '.admin',
          fragments,
          limit: 120,
          check: accessibleAndNarrow,
        });
        expect(seen.length, 'pages walked').to.be.greaterThan(15);
        expect(seen.filter((s) => s.english.length > 0).map(({ path, english }) => `${path}: ${english.join(' | ')}`)).to.deep.equal([]);
        expect(seen.filter((s) => s.problems.length > 0).map(({ path, problems }) => `${path}: ${problems.join(' | ')}`)).to.deep.equal([]);
        expect(consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  });
}
