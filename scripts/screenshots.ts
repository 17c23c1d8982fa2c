// Screenshots of the client portal for the docs: the demo client's dashboard, an invoice, a
// proposal, documents and messages, at 1280 and 390 px, as docs/screenshots/<prefix>-<page>-<width>.png.
// Boots the reference CRM on a fresh copy of the seeded demo database (as the browser tests do),
// so the pictures never depend on what someone clicked in a running demo.
//   npx tsx scripts/screenshots.ts [prefix]        (prefix: "after" unless given)
// Needs DATABASE_URL pointing at a PostgreSQL the test support may create databases on.
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, openPage, signInWithPassword } from '../test/support/browser-pages.ts';
import { startPortalHarness } from '../test/support/portal-harness.ts';

const prefix = process.argv[2] ?? 'after';
const outDir = path.resolve(import.meta.dirname, '..', 'docs', 'screenshots');
const widths = [1280, 390];

/** The address of the first record linked from a list page (the demo seeds several). */
async function firstRecord(page: Page, list: string, pattern: RegExp): Promise<string> {
  await page.goto(list);
  const hrefs = await page.$$eval('main a[href]', (links) => links.map((a) => a.getAttribute('href') ?? ''));
  const href = hrefs.find((h) => pattern.test(h));
  if (!href) throw new Error(`no record link on ${list}`);
  return new URL(href, list).toString();
}

mkdirSync(outDir, { recursive: true });
const h = await startPortalHarness();
const browser = await launchChromium();
try {
  const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test');
  if (!maria) throw new Error('the demo client maria@northwind.test is missing from the seed');
  const base = `${h.crm.url}/portal/demo`;
  // Online payments on, so the invoice shows its Pay action as a workspace taking payments would.
  const demo = await h.crm.adapter.workspaces.findBySlug('demo');
  if (!demo) throw new Error('the demo workspace is missing from the seed');
  await h.crm
    .db('workspace_client_portal_settings')
    .insert({ workspace_id: demo.id, allow_online_payments: true })
    .onConflict('workspace_id')
    .merge();
  await h.crm.portal.workspaceChanged(demo.id);
  for (const width of widths) {
    const { page, context } = await openPage(browser, { width });
    // A phone-shaped viewport at 390 px; the desktop one shows a screenful, not a scroll's worth.
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await signInWithPassword(page, h.crm.url, 'demo', maria);
    const pages: Record<string, string> = {
      dashboard: `${base}/`,
      invoice: await firstRecord(page, `${base}/invoices`, /\/invoices\/[^/.]+$/),
      proposal: await firstRecord(page, `${base}/proposals`, /\/proposals\/[^/.]+$/),
      documents: `${base}/documents`,
      messages: `${base}/messages`,
    };
    for (const [name, url] of Object.entries(pages)) {
      await page.goto(url);
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const file = path.join(outDir, `${prefix}-${name}-${width}.png`);
      // Viewport-height captures keep each file small; what is below the fold is in the tests.
      await page.screenshot({ path: file, fullPage: false });
      console.log(`${path.relative(process.cwd(), file)}  ${Math.round(statSync(file).size / 1024)} KB`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await h.close();
}
