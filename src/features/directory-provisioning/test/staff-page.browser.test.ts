// The directory provisioning staff pages in a real Chromium, in English, German and French: axe
// finds no violations and nothing overflows at 390 px on the companies page and a company's page
// (with a token shown once, the tokens table, the settings, a group's role, and a refused form).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { expectAccessibleAt390, pagesClosedAfterEach, portalInChromium, staffSignIn } from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

const ADMIN = '/settings/client-portal';

describe('directory provisioning staff pages in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let page: string;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);

  before(async function () {
    const workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    const northwind = String((await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    page = `${ADMIN}/directory-provisioning/${northwind}`;
  });

  for (const locale of ['en-US', 'de-DE', 'fr-FR']) {
    it(`has no axe violations and no overflow at 390 px (${locale})`, async function () {
      const staff = await open({ width: 390, locale });
      await staffSignIn(staff.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
      await staff.page.goto(`${h.crm.url}${ADMIN}/directory-provisioning`);
      await expectAccessibleAt390(staff.page, 'staff directory provisioning companies');
      // Choosing the company opens its page.
      await staff.page.selectOption('#scim-company', { label: 'Northwind Traders' });
      await staff.page.locator('form:has(#scim-company) button[type=submit]').click();
      await staff.page.waitForURL(`${h.crm.url}${page}`);
      await expectAccessibleAt390(staff.page, 'staff directory provisioning company');
      // A new token, shown once, with the tokens table under it.
      await staff.page.locator('form:has(input[name=formId]) button[type=submit]').click();
      await staff.page.waitForSelector('[data-scim-token]');
      const token = await staff.page.textContent('[data-scim-token]');
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      await expectAccessibleAt390(staff.page, 'staff directory provisioning new token');
      await staff.page.reload();
      expect(await staff.page.locator('[data-scim-token]').count()).to.equal(0);
      // A group mapped to a role: the table of mappings with its Remove button.
      await staff.page.fill('#scim-group-name', 'Portal Admins');
      await staff.page.selectOption('#scim-group-role', 'admin');
      await staff.page.locator('form:has(#scim-group-name) button[type=submit]').click();
      await staff.page.waitForSelector('#scim-group-roles');
      await expectAccessibleAt390(staff.page, 'staff directory provisioning group roles');
      // A refused settings form: the error summary and the field marked.
      await staff.page.evaluate(() => {
        const option = document.querySelector<HTMLOptionElement>('#scim-role option')!;
        option.value = 'owner';
        option.selected = true;
      });
      await staff.page.locator('form:has(#scim-role) button[type=submit]').click();
      await staff.page.waitForSelector('.error-summary');
      await expectAccessibleAt390(staff.page, 'staff directory provisioning refused');
      const refused = staff.consoleErrors.splice(0);
      expect(
        refused.every((line) => /status of 400/.test(line)),
        refused.join('\n'),
      ).to.equal(true);
    });
  }
});
