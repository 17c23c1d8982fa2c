// The staff pages of approvals the portal keeps in a real Chromium, beside a host that keeps only
// their files (the reference CRM without its own approvals, a stand-in document store on disk):
// staff share a design from the admin page (client, title, message, file), a refused share says
// why, the client asks for changes in the portal, and the work's staff page shows the decision with
// its fingerprint and shares version 2. Axe finds no violations and nothing overflows at 390 px on
// the list, the share form (also refused), and a piece of work with its decision, in English and
// German; no page logs a console error (a CSP violation would be one).
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { homepageDesign } from '../../../../plugins/reference-crm/seed-approvals.ts';
import {
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
  staffSignIn,
} from '../../../../test/support/browser-pages.ts';
import { type DiskApprovalFiles, diskApprovalFiles, referenceCrmKnows } from '../../../../test/support/disk-approval-files.ts';
import { sha256 } from '../../../../test/support/kept-approvals-flow.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

const ADMIN = '/settings/client-portal';

describe('approvals the portal keeps: staff pages in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let files: DiskApprovalFiles;
  portalInChromium((started) => ({ h, browser } = started), {
    boot: {
      hostAdapter: (adapter) => {
        files = diskApprovalFiles(referenceCrmKnows(adapter));
        const { approvals: _own, ...rest } = adapter;
        return { ...rest, approvalFiles: files };
      },
    },
  });
  after(() => files?.close());
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const staffLogin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'member')!;

  before(async function () {
    const workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_approvals: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('shares a design, shows the client’s decision with its fingerprint and shares version 2, accessibly at 390 px', async function () {
    const v1 = homepageDesign();
    const v1File = path.join(tmpdir(), `kept-design-v1-${process.pid}.png`);
    await writeFile(v1File, v1);
    const staff = await open({ width: 390 });
    await staffSignIn(staff.page, h.crm.url, staffLogin());
    await staff.page.goto(`${h.crm.url}${ADMIN}/approvals`);
    expect(await staff.page.textContent('main')).to.contain('Nothing has been shared for approval yet.');
    await expectAccessibleAt390(staff.page, 'the empty staff list');
    await Promise.all([staff.page.waitForURL(/\/approvals\/new$/), staff.page.click('a:has-text("Share work for approval")')]);
    await expectAccessibleAt390(staff.page, 'the share form');

    // Refused without a file: the form comes back with the message and what was typed.
    await staff.page.selectOption('#share-client', { label: 'Northwind Traders' });
    await staff.page.fill('#share-title', 'Homepage design');
    await staff.page.click('button:has-text("Share for approval")');
    await staff.page.waitForSelector('.error-summary');
    expect(await staff.page.textContent('.error-summary')).to.contain('Choose a file to share.');
    expect(await staff.page.inputValue('#share-title')).to.equal('Homepage design');
    await expectAccessibleAt390(staff.page, 'a refused share');

    await staff.page.fill('#share-message', 'The first draft.');
    await staff.page.setInputFiles('#share-file', v1File);
    await Promise.all([
      staff.page.waitForURL(/\/approvals\/[0-9a-f-]{36}\?notice=shared$/),
      staff.page.click('button:has-text("Share for approval")'),
    ]);
    const approvalUrl = staff.page.url().replace(/\?.*$/, '');
    const id = approvalUrl.split('/').pop()!;
    expect(await staff.page.textContent('main'))
      .to.contain('Awaiting the client’s decision')
      .and.contain('Version 1');

    // The client asks for changes in the portal.
    const client = await open();
    await signInWithPassword(client.page, h.crm.url, 'demo', maria());
    await client.page.goto(`${h.crm.url}/portal/demo/approvals/${id}`);
    await client.page.fill('#approval-comment', 'The hero should be darker.');
    await Promise.all([client.page.waitForURL(/decided=changes_requested/), client.page.click('button:has-text("Ask for changes")')]);

    await staff.page.goto(approvalUrl);
    expect(await staff.page.textContent('main'))
      .to.contain('Changes requested')
      .and.contain('The hero should be darker.')
      .and.contain(sha256(v1));
    await expectAccessibleAt390(staff.page, 'a piece of work with a decision');

    const v2File = path.join(tmpdir(), `kept-design-v2-${process.pid}.png`);
    await writeFile(v2File, homepageDesign([15, 23, 42]));
    await staff.page.fill('#next-message', 'Darker, as asked.');
    await staff.page.setInputFiles('#next-file', v2File);
    await Promise.all([staff.page.waitForURL(/notice=version$/), staff.page.click('button:has-text("Share version 2")')]);
    expect(await staff.page.textContent('main'))
      .to.contain('Version 2')
      .and.contain('Darker, as asked.');
    await staff.page.goto(`${h.crm.url}${ADMIN}/approvals`);
    expect(await staff.page.textContent('main'))
      .to.contain('Homepage design')
      .and.contain('Northwind Traders');
    await expectAccessibleAt390(staff.page, 'the staff list');
    expect(staff.consoleErrors).to.deep.equal([]);

    const german = await open({ width: 390, locale: 'de-DE' });
    await staffSignIn(german.page, h.crm.url, staffLogin());
    for (const url of [`${ADMIN}/approvals`, `${ADMIN}/approvals/new`, `${ADMIN}/approvals/${id}`]) {
      await german.page.goto(`${h.crm.url}${url}`);
      await expectAccessibleAt390(german.page, `${url} (de)`);
    }
    expect(await german.page.textContent('main'))
      .to.contain('Version 3 teilen')
      .and.contain('Änderungen erbeten');
    expect(german.consoleErrors).to.deep.equal([]);
  });
});
