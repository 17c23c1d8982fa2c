// Deleting an upload in Chromium, on a phone: the Documents page's Delete opens a page that names
// the file and says it cannot be undone (no axe violation, nothing wider than 390 px, focus on its
// question); "Keep it" goes back with the file there, "Delete the file" deletes it.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  focused,
  openPage,
  portalInChromium,
  signInWithPassword,
} from '../../../../test/support/browser-pages.ts';
import { smallPdf } from '../../../../test/support/upload-fixtures.ts';

describe('deleting an upload in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  it('asks first, naming the file, and deletes it only from that page', async function () {
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspace.id), allow_file_uploads: true });
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    const { page, context, consoleErrors } = await openPage(browser, { width: 390 });
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria);
      await page.goto(`${h.crm.url}/portal/demo/documents`);
      await page.setInputFiles('#upload-file', { name: 'brief-draft.pdf', mimeType: 'application/pdf', buffer: smallPdf('draft') });
      await page.click('button:has-text("Upload")');
      await page.waitForSelector('text=Your file is uploaded.');

      await page.click('a:has-text("Delete brief-draft.pdf")');
      await page.waitForSelector('#delete-upload-title');
      expect(await focused(page)).to.equal('h1#delete-upload-title');
      expect(await page.textContent('main'))
        .to.contain('Delete “brief-draft.pdf”?')
        .and.contain('cannot be brought back');
      await expectNoAxeViolations(page, 'delete an upload');
      await expectNoOverflowAt390(page, 'delete an upload');

      await page.click('a:has-text("Keep it")');
      await page.waitForSelector('#uploads-title');
      expect(await h.crm.db('client_uploads').where({ filename: 'brief-draft.pdf' }).first('id')).to.not.equal(undefined);

      await page.click('a:has-text("Delete brief-draft.pdf")');
      await page.waitForSelector('#delete-upload-title');
      await page.click('button:has-text("Delete the file")');
      await page.waitForSelector('text=Your upload is deleted.');
      expect(new URL(page.url()).pathname).to.equal('/portal/demo/documents');
      expect(await h.crm.db('client_uploads').where({ filename: 'brief-draft.pdf' }).first('id')).to.equal(undefined);
      expect(consoleErrors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
