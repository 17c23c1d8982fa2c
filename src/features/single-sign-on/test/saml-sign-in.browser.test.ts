// SAML sign-in in a real Chromium. In English and German, axe finds no violations and nothing
// overflows at 390 px on the SAML staff pages (the list with the portal's SAML values, a new SAML
// provider, one refused with its errors, a saved one) and on the page that continues a sign-in.
// And the whole way as a browser goes it, cookies and all: the identity provider's page, at
// another site, posts its answer to the consumer service (a cross-site POST, which carries none of
// the portal's SameSite=Lax cookies); the portal moves the browser to its own page, whose button
// finishes the sign-in in the visitor's session, and the dashboard opens; started at the portal's
// button too, where that session must be the one that sent the request.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { expectAccessibleAt390, pagesClosedAfterEach, portalInChromium, staffSignIn } from '../../../../test/support/browser-pages.ts';
import { csrfFrom, signedInStaffAgent, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { startSamlIdp, type TestSamlIdp } from './saml-identity-provider.ts';

const ADMIN = '/settings/client-portal';
/** The identity provider's page lives at another site than the portal (localhost). */
const IDP_PAGE = 'http://idp.test/post';

describe('SAML sign-in in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let idp: TestSamlIdp;
  let providerHref: string;
  let spMetadata: string;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);

  before(async function () {
    idp = startSamlIdp({ entityId: 'https://idp.northwind.test/saml' });
    const staff = await signedInStaffAgent(h, 'demo');
    spMetadata = (await staff.get('/portal/demo/saml/metadata').expect(200)).text;
    const form = await staff.get(`${ADMIN}/single-sign-on/new-saml`).expect(200);
    const created = await staff
      .post(`${ADMIN}/single-sign-on/saml`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        displayName: 'Northwind SAML',
        metadataXml: idp.metadata,
        emailAttribute: 'email',
        wantAssertionsSigned: 'on',
        allowIdpInitiated: 'on',
      })
      .expect(303);
    providerHref = (created.headers.location as string).split('?')[0]!;
    const workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    const northwind = (await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id;
    const page = await staff.get(providerHref).expect(200);
    await staff
      .post(`${providerHref}/bindings`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), clientId: String(northwind), emailDomains: 'northwind.test', signInMode: 'any' })
      .expect(303);
  });

  for (const locale of ['en-US', 'de-DE']) {
    it(`has no axe violations and no overflow at 390 px on the SAML staff pages (${locale})`, async function () {
      const staff = await open({ width: 390, locale });
      await staffSignIn(staff.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
      for (const path of [`${ADMIN}/single-sign-on`, `${ADMIN}/single-sign-on/new-saml`, providerHref]) {
        await staff.page.goto(`${h.crm.url}${path}`);
        await expectAccessibleAt390(staff.page, `staff ${path}`);
      }
      await staff.page.goto(`${h.crm.url}${ADMIN}/single-sign-on/new-saml`);
      await staff.page.fill('#saml-displayName', 'Broken');
      await staff.page.fill('#saml-metadataXml', '<html>not metadata</html>');
      await staff.page.locator('form:has(#saml-displayName) button[type=submit]').click();
      await staff.page.waitForSelector('.error-summary');
      await expectAccessibleAt390(staff.page, 'staff new SAML provider refused');
      const refused = staff.consoleErrors.splice(0);
      expect(
        refused.every((line) => /status of 400/.test(line)),
        refused.join('\n'),
      ).to.equal(true);
    });
  }

  it('signs in from the identity provider’s cross-site form post, through the portal’s own page, at 390 px', async function () {
    const { page } = await open({ width: 390, locale: 'de-DE' });
    const response = await idp.answer(spMetadata, { email: 'maria@northwind.test' });
    // The identity provider's page as a real one sends it: a form that posts itself to the consumer service.
    await page.route(IDP_PAGE, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<!doctype html><title>IdP</title><form method="post" action="${h.crm.url}/portal/demo/saml/acs"><input type="hidden" name="SAMLResponse" value="${response}"></form><script>document.forms[0].submit()</script>`,
      }),
    );
    await page.goto(IDP_PAGE);
    await page.waitForURL(/\/portal\/demo\/sign-in\/sso\/saml\/continue\?handoff=/);
    expect(await page.textContent('h1')).to.equal('Mit Ihrem Firmenkonto angemeldet');
    await expectAccessibleAt390(page, 'SAML continue');
    await page.click('button:has-text("Weiter zum Portal")');
    await page.waitForURL(`${h.crm.url}/portal/demo/`);
    expect(await page.textContent('body')).to.contain('Maria');
  });

  it('signs in started at the portal: the button, the identity provider, its post back, in one browser', async function () {
    const { page } = await open();
    // The identity provider's sign-in page reads the AuthnRequest and posts its answer back.
    await page.route(`${idp.ssoUrl}**`, async (route) => {
      const requestId = await idp.readRequest(route.request().url());
      const response = await idp.answer(spMetadata, { email: 'olivia@northwind.test', inResponseTo: requestId });
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<!doctype html><title>IdP</title><form method="post" action="${h.crm.url}/portal/demo/saml/acs"><input type="hidden" name="SAMLResponse" value="${response}"></form><script>document.forms[0].submit()</script>`,
      });
    });
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    await page.click('button:has-text("Sign in with Northwind SAML")');
    await page.waitForURL(/\/portal\/demo\/sign-in\/sso\/saml\/continue\?handoff=/);
    await page.click('button:has-text("Continue to the portal")');
    await page.waitForURL(`${h.crm.url}/portal/demo/`);
    expect(await page.textContent('body')).to.contain('Olivia');
  });
});
