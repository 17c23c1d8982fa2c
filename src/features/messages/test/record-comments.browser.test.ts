// A record's comment thread follows the live stream on both sides, in a real Chromium: the client
// has a proposal open and is typing a comment while staff comment on the same proposal from the
// portal's staff record page; the client's thread shows the staff comment without a reload and
// the comment box still holds what the client typed. The other way round, the client's comment
// reaches the staff page while a colleague's half-written answer stays in its box. The staff
// record page, with its new thread (and an invoice's, with its payments and a provider's long id),
// has no axe violation and does not overflow at 390 px.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  launchChromium,
  openPage,
  signInWithPassword,
  staffSignIn,
  type WatchedPage,
} from '../../../../test/support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

// Live delivery takes well under a second (bench/sse-connections.ts measures it); the bound only
// leaves room for a loaded machine running Chromium.
const LIVE_WAIT_MS = 60_000;

describe('record comment threads live in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let clientPath: string;
  let staffPath: string;
  const opened: WatchedPage[] = [];

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    browser = await launchChromium();
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const proposal = await h.crm.db('proposals').where({ workspace_id: workspace.id, title: 'Website redesign' }).first('id', 'client_id');
    clientPath = `/portal/demo/proposals/${proposal.id}`;
    staffPath = `/settings/client-portal/records/proposal/${proposal.client_id}/${proposal.id}`;
  });
  after(async function () {
    for (const { context } of opened) await context.close().catch(() => {});
    await browser?.close();
    await h?.close();
  });

  async function newPage(width = 1200): Promise<Page> {
    const watched = await openPage(browser, { width });
    opened.push(watched);
    return watched.page;
  }

  async function clientPage(): Promise<Page> {
    const page = await newPage();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(page, h.crm.url, 'demo', login);
    return page;
  }

  async function staffPage(width = 1200): Promise<Page> {
    const page = await newPage(width);
    await staffSignIn(page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
    return page;
  }

  afterEach(function () {
    const errors = opened.flatMap((watched) => watched.consoleErrors);
    opened.splice(0).forEach(({ context }) => void context.close().catch(() => {}));
    expect(errors, 'console errors').to.deep.equal([]);
  });

  /** Opens a record page and waits until its live stream answered: from then on, nothing is missed. */
  async function openFollowing(page: Page, path: string, stream: string) {
    const connected = page.waitForResponse((res) => new URL(res.url()).pathname === stream, { timeout: LIVE_WAIT_MS });
    await page.goto(`${h.crm.url}${path}`);
    expect((await connected).status(), `${stream} answered`).to.equal(200);
  }

  it('shows a staff comment to the client at once and keeps what the client is typing', async function () {
    const client = await clientPage();
    await openFollowing(client, clientPath, '/portal/demo/live');
    await client.fill('#comment-body', 'Could we move the kickoff to');
    const staff = await staffPage();
    await staff.goto(`${h.crm.url}${staffPath}`);
    await staff.fill('#staff-comment-body', 'The wireframes are ready for review.');
    await staff.click('button:has-text("Add comment")');
    await staff.waitForSelector('#comments-list :text("The wireframes are ready for review.")');

    await client.waitForSelector('#comments-list :text("The wireframes are ready for review.")', { timeout: LIVE_WAIT_MS });
    expect(await client.inputValue('#comment-body'), 'what the client typed').to.equal('Could we move the kickoff to');
    expect(await client.evaluate(() => document.activeElement?.id), 'the focus stays in the box').to.equal('comment-body');
  });

  it("shows the client's comment on the staff record page and keeps a colleague's draft", async function () {
    const staff = await staffPage();
    await openFollowing(staff, staffPath, '/client-messages/stream');
    await staff.fill('#staff-comment-body', 'Half an answer');
    const client = await clientPage();
    await client.goto(`${h.crm.url}${clientPath}`);
    await client.fill('#comment-body', 'Thursday works for us.');
    await client.click('#comments button[type="submit"]');
    await client.waitForSelector('#comments-list :text("Thursday works for us.")');

    await staff.waitForSelector('#comments-list :text("Thursday works for us.")', { timeout: LIVE_WAIT_MS });
    expect(await staff.inputValue('#staff-comment-body'), "the colleague's draft").to.equal('Half an answer');
  });

  it('has no axe violations and no horizontal overflow at 390 px on the staff record page', async function () {
    const staff = await staffPage();
    await staff.goto(`${h.crm.url}${staffPath}`);
    await expectNoAxeViolations(staff, 'staff record page');
    await expectNoOverflowAt390(staff, 'staff record page');
  });

  it("has none on an invoice's staff record page either, with a payment an online provider took", async function () {
    const invoice = await h.crm
      .db('invoices as i')
      .join('workspaces as w', 'w.id', 'i.workspace_id')
      .where({ 'w.slug': 'demo', 'i.number': 'INV-0002' })
      .first('i.id', 'i.workspace_id', 'i.client_id');
    const providerReference = `demo:evt_${'0123456789abcdef'.repeat(4)}`;
    const recorded = await h.crm.adapter.invoices!.recordPayment!(
      String(invoice.workspace_id),
      String(invoice.client_id),
      String(invoice.id),
      {
        amountCents: 100,
        method: 'card',
        reference: providerReference,
        paidAt: new Date(),
        provider: 'demo',
      },
    );
    expect(recorded).to.not.equal(null);
    const staff = await staffPage(390);
    await staff.goto(`${h.crm.url}/settings/client-portal/records/invoice/${invoice.client_id}/${invoice.id}`);
    expect(await staff.textContent('#payments-title')).to.equal('Payments');
    expect(await staff.textContent('main')).to.include(providerReference);
    await expectNoAxeViolations(staff, 'staff invoice record page');
    await expectNoOverflowAt390(staff, 'staff invoice record page');
  });
});
