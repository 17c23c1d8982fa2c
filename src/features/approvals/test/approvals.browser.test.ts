// The approvals section in a real Chromium: axe finds no violations and nothing overflows at 390 px
// on the list, a design shown inline, the same after a decision (its point marked) and a PDF proof
// in its frame, in English and in German. The walk: a client asks for changes on version 1 with a
// point set from the keyboard (arrow keys in the number fields), staff share version 2 from the
// CRM's page, and the client approves version 2 in German with scripts off (the decision needs
// none); the evidence names the fingerprint of version 2's file. No page logs a console error (a
// CSP violation would be one).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { homepageDesign } from '../../../../plugins/reference-crm/seed-approvals.ts';
import { simplePdf } from '../../../../plugins/reference-crm/seed.ts';
import {
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
  staffSignIn,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('approvals in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  let designId: number;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const staffLogin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;

  before(async function () {
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    designId = (await h.crm.db('approval_requests').where({ workspace_id: workspaceId, title: 'Homepage design' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_approvals: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('asks for changes with a point set from the keyboard, then approves version 2 in German without scripts', async function () {
    const { page } = await open();
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/approvals`);
    await Promise.all([page.waitForURL(/\/approvals\/\d+$/), page.click('a:has-text("Homepage design")')]);
    // The design is shown from the portal's own file route, at its own size.
    await page.waitForFunction(
      () => (document.querySelector('.approval-view img') as HTMLImageElement | null)?.naturalWidth === 480,
      undefined,
      {
        timeout: 10_000,
      },
    );
    await page.fill('#approval-comment', 'The hero should be darker.');
    await page.focus('#approval-point-x');
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowUp');
    await page.focus('#approval-point-y');
    for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowUp');
    expect([await page.inputValue('#approval-point-x'), await page.inputValue('#approval-point-y')]).to.deep.equal(['40', '25']);
    await Promise.all([page.waitForURL(/decided=changes_requested/), page.click('button:has-text("Ask for changes")')]);
    expect(await page.textContent('main'))
      .to.contain('Changes requested')
      .and.contain('At 40 % across, 25 % down');
    await expectAccessibleAt390(page, 'a design after a decision');

    // Staff share version 2 from the CRM's page.
    const v2 = homepageDesign([15, 23, 42]);
    const file = path.join(tmpdir(), `homepage-design-v2-${process.pid}.png`);
    await writeFile(file, v2);
    const staff = await open();
    await staffSignIn(staff.page, h.crm.url, staffLogin());
    await staff.page.goto(`${h.crm.url}/approvals/${designId}`);
    await staff.page.fill('#message', 'A darker hero, as asked.');
    await staff.page.setInputFiles('#file', file);
    await Promise.all([
      staff.page.waitForURL(new RegExp(`/approvals/${designId}$`)),
      staff.page.click('button:has-text("Share version 2")'),
    ]);
    expect(await staff.page.textContent('main'))
      .to.contain('Version 2')
      .and.contain('The hero should be darker.');

    // The client approves version 2 in German, with scripts off.
    const german = await open({ locale: 'de-DE', javaScriptEnabled: false });
    await signInWithPassword(german.page, h.crm.url, 'demo', maria());
    await german.page.goto(`${h.crm.url}/portal/demo/approvals/${designId}`);
    expect(await german.page.textContent('h2#decide-title')).to.contain('Ihre Entscheidung zu Version 2');
    await Promise.all([german.page.waitForURL(/decided=approved/), german.page.click('button:has-text("Version 2 freigeben")')]);
    const text = await german.page.textContent('main');
    expect(text).to.contain('Freigegeben').and.contain(sha256(v2)).and.contain('Frühere Versionen');
    await staff.page.reload();
    expect(await staff.page.textContent('main'))
      .to.contain(sha256(v2))
      .and.contain('Approved');
  });

  it('has no axe violations and no overflow at 390 px on the approvals pages, in English and German', async function () {
    const db = h.crm.db;
    const client = (await db('approval_requests').where({ id: designId }).first('client_id')).client_id;
    const pdf = simplePdf('Brochure proof', ['The brochure as it will be printed.']);
    const staffId = (await db('staff_users').where({ workspace_id: workspaceId }).orderBy('id').first('id')).id;
    const [proof] = await db('approval_requests')
      .insert({ workspace_id: workspaceId, client_id: client, title: 'Brochure proof', staff_id: staffId })
      .returning('id');
    await db('approval_versions').insert({
      workspace_id: workspaceId,
      request_id: proof.id,
      number: 1,
      filename: 'brochure-proof.pdf',
      content_type: 'application/pdf',
      size_bytes: pdf.length,
      content: pdf,
      sha256: sha256(pdf),
      message: 'The printer’s proof of the brochure, with the fold marks on page 2.',
      staff_id: staffId,
    });
    for (const locale of ['en-US', 'de-DE']) {
      const { page } = await open({ width: 390, locale });
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      for (const url of ['/approvals', '/approvals?q=brochure', `/approvals/${designId}`]) {
        await page.goto(`${h.crm.url}/portal/demo${url}`);
        await expectAccessibleAt390(page, `${url} (${locale})`);
      }
      // The proof's page shows the PDF in Chromium's own viewer: the page around it is checked, and
      // the frame for its title; what the viewer draws inside is the browser's.
      await page.goto(`${h.crm.url}/portal/demo/approvals/${proof.id}`);
      await expectAccessibleAt390(page, `/approvals/${proof.id} (${locale})`, { browserViewers: ['iframe.approval-view__pdf'] });
      expect(await page.getAttribute('iframe.approval-view__pdf', 'src')).to.equal(`/portal/demo/approvals/${proof.id}/versions/1/file`);
    }
  });

  it('places the point with a click on the image and with the arrow keys, and both sides show its pin', async function () {
    const db = h.crm.db;
    const client = (await db('approval_requests').where({ id: designId }).first('client_id')).client_id;
    const staffId = (await db('staff_users').where({ workspace_id: workspaceId }).orderBy('id').first('id')).id;
    const banner = homepageDesign([120, 40, 40]);
    const [approval] = await db('approval_requests')
      .insert({ workspace_id: workspaceId, client_id: client, title: 'Spring banner', staff_id: staffId })
      .returning('id');
    await db('approval_versions').insert({
      workspace_id: workspaceId,
      request_id: approval.id,
      number: 1,
      filename: 'spring-banner.png',
      content_type: 'image/png',
      size_bytes: banner.length,
      content: banner,
      sha256: sha256(banner),
      message: 'The banner for the spring sale.',
      staff_id: staffId,
    });
    const { page } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/approvals/${approval.id}`);
    await page.waitForFunction(() => (document.querySelector('.approval-view img') as HTMLImageElement | null)?.complete === true);
    const box = (await page.locator('.approval-view img').boundingBox())!;
    await page.locator('.approval-view img').click({ position: { x: box.width * 0.25, y: box.height * 0.75 } });
    expect([await page.inputValue('#approval-point-x'), await page.inputValue('#approval-point-y')]).to.deep.equal(['25', '75']);
    // By keyboard: the image takes the focus, the arrow keys move the pin, Enter sets it.
    await page.focus('[data-approval-point]');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Enter');
    expect([await page.inputValue('#approval-point-x'), await page.inputValue('#approval-point-y')]).to.deep.equal(['30', '65']);
    await expectAccessibleAt390(page, 'an image with a point being placed');
    await page.fill('#approval-comment', 'Move the logo here.');
    await Promise.all([page.waitForURL(/decided=changes_requested/), page.click('button:has-text("Ask for changes")')]);

    const saved = await db('portal_approval_decisions')
      .where({ workspace_id: String(workspaceId), approval_id: String(approval.id) })
      .first('point_x', 'point_y', 'point_page');
    expect([Number(saved.point_x), Number(saved.point_y), saved.point_page]).to.deep.equal([0.3, 0.65, null]);
    // The client's page: a numbered pin at the point, a link to its comment.
    const pin = page.locator('a.approval-pin[href="#decision-1"]');
    expect(await pin.locator('text').textContent()).to.equal('1');
    expect(await pin.locator('circle').getAttribute('cx')).to.equal('30%');
    expect(await page.locator('#decision-1').textContent()).to.contain('Move the logo here.');
    await expectAccessibleAt390(page, 'an image with its pin');

    // The staff's page of the approval in the CRM: the image with the same pin.
    const staff = await open({ width: 390 });
    await staffSignIn(staff.page, h.crm.url, staffLogin());
    await staff.page.goto(`${h.crm.url}/approvals/${approval.id}`);
    const staffPin = staff.page.locator('.approval-image a.approval-pin[href="#decision-1"]');
    expect(await staffPin.locator('circle').getAttribute('cy')).to.equal('65%');
    expect(await staff.page.locator('#decision-1').textContent()).to.contain('Move the logo here.');
    await expectAccessibleAt390(staff.page, 'the staff approval page with its pin');
  });
});
