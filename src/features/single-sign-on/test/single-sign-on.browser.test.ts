// Single sign-on in a real Chromium, in English and German: axe finds no violations and nothing
// overflows at 390 px on the staff pages (the providers, a new provider refused with its errors, a
// provider with a bound company) and on the sign-in page with the "Sign in with …" button. The
// button, a boosted form, leaves the portal for the provider with a full page load.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { expectAccessibleAt390, pagesClosedAfterEach, portalInChromium, staffSignIn } from '../../../../test/support/browser-pages.ts';
import { csrfFrom, signedInStaffAgent, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { startOpenIdProvider, type TestOpenIdProvider } from './openid-provider.ts';

const ADMIN = '/settings/client-portal';

describe('single sign-on in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let op: TestOpenIdProvider;
  let providerHref: string;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);

  before(async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const list = await staff.get(`${ADMIN}/single-sign-on`).expect(200);
    const redirectUri = /<code class="break">([^<]+)<\/code>/.exec(list.text)![1]!;
    op = await startOpenIdProvider({ redirectUri });
    const form = await staff.get(`${ADMIN}/single-sign-on/new`).expect(200);
    const created = await staff
      .post(`${ADMIN}/single-sign-on`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        displayName: 'Northwind ID',
        issuerUrl: op.issuer,
        clientId: op.clientId,
        clientSecret: op.clientSecret,
        scopes: 'openid email profile',
      })
      .expect(303);
    providerHref = (created.headers.location as string).split('?')[0]!;
    const workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    const northwind = (await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id;
    const page = await staff.get(providerHref).expect(200);
    await staff
      .post(`${providerHref}/bindings`)
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        clientId: String(northwind),
        emailDomains: 'northwind.test, northwind-traders.example',
        signInMode: 'sso_only',
      })
      .expect(303);
  });
  after(async function () {
    await op?.close();
  });

  for (const locale of ['en-US', 'de-DE']) {
    it(`has no axe violations and no overflow at 390 px on the staff pages and the sign-in page (${locale})`, async function () {
      const staff = await open({ width: 390, locale });
      await staffSignIn(staff.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
      for (const path of [`${ADMIN}/single-sign-on`, `${ADMIN}/single-sign-on/new`, providerHref]) {
        await staff.page.goto(`${h.crm.url}${path}`);
        await expectAccessibleAt390(staff.page, `staff ${path}`);
      }
      // A refused new provider: the error summary and the fields marked.
      await staff.page.goto(`${h.crm.url}${ADMIN}/single-sign-on/new`);
      await staff.page.fill('#sso-displayName', 'Broken');
      await staff.page.fill('#sso-issuerUrl', 'http://idp.example.com');
      await staff.page.locator('form:has(#sso-displayName) button[type=submit]').click();
      await staff.page.waitForSelector('.error-summary');
      await expectAccessibleAt390(staff.page, 'staff new provider refused');
      // The refusal is a 400, which Chromium reports on the console: expected here, nothing else.
      const refused = staff.consoleErrors.splice(0);
      expect(
        refused.every((line) => /status of 400/.test(line)),
        refused.join('\n'),
      ).to.equal(true);

      const client = await open({ width: 390, locale });
      await client.page.goto(`${h.crm.url}/portal/demo/sign-in`);
      const button = locale === 'en-US' ? 'Sign in with Northwind ID' : 'Anmelden mit Northwind ID';
      expect(await client.page.textContent('.sso')).to.contain(button);
      await expectAccessibleAt390(client.page, 'sign-in with single sign-on');
      // The hint under the provider's button keeps clear of the button after it (German wraps it to two lines).
      const gap = await client.page.evaluate(() => {
        const hint = document.querySelector('.sso .hint')!.getBoundingClientRect();
        const next = document.querySelector('.sso .hint + button')!.getBoundingClientRect();
        return next.top - hint.bottom;
      });
      expect(gap, 'space between the hint and the button').to.be.at.least(8);

      // An answer the portal was not waiting for: the browser lands on a clean address that says
      // what happened and offers a new try, the provider's code and state gone from the bar.
      await client.page.goto(`${h.crm.url}/portal/demo/sign-in/sso/callback?code=x&state=y`);
      const landed = new URL(client.page.url());
      expect(landed.pathname).to.equal('/portal/demo/sign-in/sso/refused');
      expect(landed.search).to.equal('?reason=expired');
      expect(await client.page.textContent('h1')).to.equal(
        locale === 'en-US' ? 'Sign-in with your company account not completed' : 'Anmeldung mit Ihrem Firmenkonto nicht abgeschlossen',
      );
      await expectAccessibleAt390(client.page, 'single sign-on refused');
      const expected = client.consoleErrors.splice(0);
      expect(
        expected.every((line) => /status of 400/.test(line)),
        expected.join('\n'),
      ).to.equal(true);
    });
  }

  it('leaves for the provider with a full page load when the button is pressed', async function () {
    const { page } = await open();
    // The provider's own pages are not what this test looks at: its answer is stood in for.
    await page.route(`${op.issuer}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Provider</title>' }),
    );
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    const toProvider = page.waitForRequest((request) => request.url().startsWith(`${op.issuer}/auth?`) && request.isNavigationRequest());
    await page.click('button:has-text("Sign in with Northwind ID")');
    const request = await toProvider;
    const asked = new URL(request.url());
    expect(asked.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(asked.searchParams.get('client_id')).to.equal(op.clientId);
    expect(asked.searchParams.get('state')).to.be.a('string');
    expect(asked.searchParams.get('nonce')).to.be.a('string');
    await page.waitForURL(`${op.issuer}/**`);
  });
});
