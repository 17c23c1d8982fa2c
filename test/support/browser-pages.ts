// What most browser tests need around a page: Chromium (one per test process, launched with the test
// flags), a page that records every console error (a CSP violation is one), the password sign-in, an
// axe check, the 390 px horizontal-overflow check, and a readable description of where focus is.
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { gzipSync } from 'node:zlib';
import { startPortalHarness, type PortalHarness } from './portal-harness.ts';

let shared: Promise<Browser> | undefined;

/**
 * The test process's one Chromium, launched at its first use and launched again if it went away.
 * Launching one per file cost each file a browser start and stop (~0.4 s of CPU, more on a busy
 * machine); a test process runs many files one after another. It ends with the process: Playwright
 * kills the browsers it launched, and removes their profile folders, when the process exits (a
 * parallel run's workers exit when the run ends; mocha's `exit` option ends a serial run).
 */
async function sharedChromium(): Promise<Browser> {
  const running = shared && (await shared.catch(() => undefined));
  if (running?.isConnected()) return running;
  shared = chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  // A launch that failed is tried again by the next file, not handed out as failed to every one.
  shared.catch(() => (shared = undefined));
  return shared;
}

/**
 * Chromium for one test file: the process's shared browser, seen through a handle whose contexts
 * are the file's own. Every page lives in a context of its own (newContext: its own cookies,
 * storage, cache and connections), so files sharing the browser share no state; the handle's
 * close() closes the contexts the file opened and leaves the browser to the next file.
 */
export async function launchChromium(): Promise<Browser> {
  const browser = await sharedChromium();
  const contexts = new Set<BrowserContext>();
  const newContext: Browser['newContext'] = async (options) => {
    const context = await browser.newContext(options);
    contexts.add(context);
    context.once('close', () => contexts.delete(context));
    return context;
  };
  const handle: Partial<Browser> = {
    newContext,
    async newPage(options) {
      const context = await newContext(options);
      const page = await context.newPage();
      // As Browser.newPage: the page owns its context, which closes with it.
      page.once('close', () => void context.close().catch(() => undefined));
      return page;
    },
    contexts: () => [...contexts],
    async close() {
      await Promise.all([...contexts].map((context) => context.close()));
    },
  };
  return new Proxy(browser, {
    get(target, property) {
      if (Object.hasOwn(handle, property)) return handle[property as keyof Browser];
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Registers the suite's hooks that start a portal harness and take Chromium (launchChromium) before
 * its tests and close both after them; `started` receives the two (`({ h, browser } = started)`).
 */
export function portalInChromium(
  started: (suite: { h: PortalHarness; browser: Browser }) => void,
  options?: Parameters<typeof startPortalHarness>[0],
): void {
  let h: PortalHarness | undefined;
  let browser: Browser | undefined;
  before(async function () {
    h = await startPortalHarness(options);
    browser = await launchChromium();
    started({ h, browser });
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Every console error and uncaught page error so far, in order. */
  consoleErrors: string[];
}

/** Records the console errors and uncaught exceptions of a page (a tab of a shared context too). */
function watchConsole(page: Page, into: string[] = []): string[] {
  page.on('console', (message) => {
    if (message.type() === 'error') into.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => into.push(`${page.url()}: ${error.message}`));
  return into;
}

export async function openPage(
  browser: Browser,
  options: { width?: number; locale?: string; javaScriptEnabled?: boolean } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1200, height: 900 },
  });
  const page = await context.newPage();
  return { context, page, consoleErrors: watchConsole(page) };
}

/**
 * Registers an afterEach that closes every page opened through the returned function during the test
 * and fails the test if any of them logged a console error (drop an expected one from the page's
 * `consoleErrors` before the test ends).
 */
export function pagesClosedAfterEach(browser: () => Browser): (options?: Parameters<typeof openPage>[1]) => Promise<WatchedPage> {
  const opened: WatchedPage[] = [];
  afterEach(async function () {
    const errors = opened.flatMap((watched) => watched.consoleErrors);
    for (const watched of opened.splice(0)) await watched.context.close();
    expect(errors, 'console errors').to.deep.equal([]);
  });
  return async (options) => {
    const watched = await openPage(browser(), options);
    opened.push(watched);
    return watched;
  };
}

/** Signs in with email and password on a workspace's sign-in page and waits for the page after it. */
export async function signInWithPassword(
  page: Page,
  baseUrl: string,
  slug: string,
  login: { email: string; password: string },
  next?: string,
): Promise<void> {
  const query = next ? `?next=${encodeURIComponent(next)}` : '';
  await page.goto(`${baseUrl}/portal/${slug}/sign-in${query}`);
  await page.fill('#email', login.email);
  await page.fill('#password', login.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/sign-in')), page.press('#password', 'Enter')]);
  await page.waitForLoadState();
}

/** Signs the staff member in to the reference CRM. */
export async function staffSignIn(page: Page, baseUrl: string, login: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.fill('input[name=email]', login.email);
  await page.fill('input[name=password]', login.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/signin')), page.click('button[type=submit]')]);
  await page.waitForLoadState();
}

/** How long axe waits for a frame's first answer (axe's own default: 500 ms). */
const FRAME_ANSWER_MS = 10_000;

/** What a check leaves to the browser: frames it fills with a viewer of its own. */
export interface AxeScope {
  /**
   * Selectors of frames showing a file the browser renders itself (a PDF in Chromium's viewer). The
   * viewer is Chromium's, not the page's: it replaces the frame's document as it opens, so axe
   * reaches the frame or not depending on the moment, and nothing found inside would be ours to
   * mend. Such frames are left out of axe, and checked here for what the page does own: each
   * selector matches at least one frame, and every match has a title to name it (axe's frame-title).
   */
  browserViewers?: readonly string[];
}

/**
 * axe's results for the page as it is, every frame in it included. axe runs in the page and reaches
 * its frames from there (the builder's legacy mode): every frame the portal and the CRM show is of
 * their own origin (frame-src 'self'), which that reaches. The builder's default runs axe in each
 * frame apart and then opens a blank page to put the parts together, which doubled the time of
 * every check (some 1 s against 0.5 s a page on this machine). A frame axe could not reach is
 * reported by its frame-tested check, and fails here: no frame goes unchecked but those the scope
 * names as the browser's own viewers.
 */
export async function axeResults(page: Page, scope: AxeScope = {}): Promise<Awaited<ReturnType<AxeBuilder['analyze']>>> {
  const viewers = scope.browserViewers ?? [];
  for (const selector of viewers) {
    const titles = await page.$$eval(selector, (frames) => frames.map((frame) => frame.getAttribute('title')?.trim() ?? ''));
    expect(titles.length, `frames matching ${selector}`).to.be.above(0);
    expect(titles, `titles of the frames matching ${selector}`).not.to.include('');
  }
  // A frame still loading has no axe in it yet; and a frame of another process answers axe's first
  // call late on a busy machine, past the half second axe waits for it by default, which reports
  // the frame as not checked though nothing is wrong. A viewer's frame is not waited for: axe
  // leaves it out, and a browser with no viewer of that kind (the headless shell has no PDF
  // viewer) turns its file into a download, so the frame's load never comes.
  const checked = await framesOutside(page, viewers);
  await Promise.all(checked.map((frame) => frame.waitForLoadState('load')));
  const builder = new AxeBuilder({ page }).setLegacyMode(true).options({ pingWaitTime: FRAME_ANSWER_MS });
  for (const selector of viewers) builder.exclude(selector);
  const results = await builder.analyze();
  const unreached = results.incomplete.filter((check) => check.id === 'frame-tested').flatMap((check) => check.nodes);
  expect(
    unreached.map((node) => node.target.join(' ')),
    'frames axe could not check',
  ).to.deep.equal([]);
  return results;
}

/** The page's frames but those whose frame element matches one of the selectors. */
async function framesOutside(page: Page, selectors: readonly string[]): Promise<Frame[]> {
  const frames = page.frames();
  if (selectors.length === 0) return frames;
  const outside = await Promise.all(
    frames.map(async (frame) => {
      const element = await frame.frameElement().catch(() => undefined);
      if (!element) return true;
      return element.evaluate((node, css) => !css.some((selector) => (node as Element).matches(selector)), [...selectors]);
    }),
  );
  return frames.filter((_, i) => outside[i]);
}

export async function expectNoAxeViolations(page: Page, label: string, scope: AxeScope = {}): Promise<void> {
  const results = await axeResults(page, scope);
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `${label} axe violations`).to.deep.equal([]);
}

/** Checks the page at 390 px wide for horizontal overflow, naming the widest elements if there is any. */
export async function expectNoOverflowAt390(page: Page, label: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoOverflow(page, label);
  if (before && before.width !== 390) await page.setViewportSize(before);
}

/** No axe violations, and no horizontal overflow at the width the page has now. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await expectNoAxeViolations(page, label);
  await expectNoOverflow(page, label);
}

/** Checks the page at its present width for horizontal overflow, naming the elements that stick out. */
async function expectNoOverflow(page: Page, label: string): Promise<void> {
  const width = page.viewportSize()?.width;
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const culprits =
    overflow > 0
      ? await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`)
            .slice(0, 8),
        )
      : [];
  expect(overflow, `${label} overflows ${width} px by ${overflow}px: ${culprits.join(', ')}`).to.be.at.most(0);
}

/** Where focus is, as `tag#id.class[role]`, or "body" when nothing has it. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const role = el.getAttribute('role');
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}${role ? `[role=${role}]` : ''}`;
  });
}

/** The text of the polite live region, once it has been filled. */
export async function announced(page: Page): Promise<string> {
  await page.waitForFunction(() => (document.getElementById('portal-live')?.textContent ?? '').trim() !== '', null, { timeout: 5_000 });
  return (await page.textContent('#portal-live'))?.trim() ?? '';
}

/** The gzipped size of every script the page loads. */
export async function scriptBytesGzipped(page: Page): Promise<number> {
  const sources = await page.$$eval('script[src]', (scripts) => scripts.map((s) => (s as HTMLScriptElement).src));
  let total = 0;
  for (const src of sources) {
    const body = await page.request.get(src);
    total += gzipSync(await body.body(), { level: 9 }).length;
  }
  return total;
}

/** No axe violations, and no overflow at 390 px: what every page of a journey is held to. */
export async function expectAccessibleAt390(page: Page, label: string, scope: AxeScope = {}): Promise<void> {
  await expectNoAxeViolations(page, label, scope);
  await expectNoOverflowAt390(page, label);
}

/** Presses Tab until an element matching the CSS selector (and holding the text, if given) has the focus (at most 80 times). */
export async function tabTo(page: Page, selector: string, text?: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const there = await page.evaluate(
      ([css, words]) => {
        const active = document.activeElement;
        return Boolean(active?.matches(css) && (!words || (active.textContent ?? '').includes(words)));
      },
      [selector, text ?? ''] as const,
    );
    if (there) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector} ${text ?? ''}`);
}
