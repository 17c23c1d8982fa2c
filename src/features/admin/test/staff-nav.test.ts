// The staff navigation of the admin pages, over HTTP against the reference CRM: each page the
// portal has for staff, in the one order and with the one label, whichever module brings it (the
// core's own pages and each feature's, from its manifest), in English and in German; the page
// shown is marked as the current one. (The approvals page, linked only beside a host with its
// ports, which the reference CRM has not, is test/startup/staff-pages-shown.test.ts's.)
import { expect } from 'chai';
import { signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

const BASE = '/settings/client-portal';

/** The admin navigation's <ul>, whole, as the page has it. */
const navOf = (html: string) => /<nav class="admin-nav"[^>]*>\s*(<ul>[\s\S]*?<\/ul>)/.exec(html)?.[1] ?? '';
const linksOf = (nav: string) => [...nav.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((match) => `${match[1]} ${match[2]}`);

describe('the staff navigation', function () {
  this.timeout(120_000);
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo'] });
  });
  after(async function () {
    await h?.close();
  });

  it('lists every staff page in its order, with its label, the one shown as current', async function () {
    const admin = await signedInStaffAgent(h, 'demo');
    const nav = navOf((await admin.get(`${BASE}/activity`).expect(200)).text);
    expect(linksOf(nav)).to.deep.equal([
      `${BASE} Settings`,
      `${BASE}/clients Client users`,
      `${BASE}/roles Client roles`,
      `${BASE}/activity Activity log`,
      `${BASE}/payments Payments`,
      `${BASE}/uploads Client uploads`,
      `${BASE}/satisfaction Client satisfaction`,
      `${BASE}/help-feedback Help article feedback`,
      `${BASE}/catalogue Requests and calendars`,
      `${BASE}/colleague-requests Colleague requests`,
      `${BASE}/erasure-requests Erasure requests`,
      `${BASE}/custom-domains Custom domains`,
      `${BASE}/single-sign-on Single sign-on`,
      `${BASE}/directory-provisioning Directory provisioning`,
    ]);
    expect(nav).to.contain(`<li><a href="${BASE}/activity" aria-current="page">Activity log</a></li>`);
    expect(nav.match(/aria-current/g)).to.have.length(1);
  });

  it('speaks the staff member’s language in the same order', async function () {
    const admin = await signedInStaffAgent(h, 'demo');
    const german = navOf((await admin.get(BASE).set('Accept-Language', 'de').expect(200)).text);
    expect(linksOf(german).map((link) => link.slice(link.indexOf(' ') + 1))).to.deep.equal([
      'Einstellungen',
      'Kundenzugänge',
      'Kundenrollen',
      'Aktivitäten',
      'Zahlungen',
      'Uploads der Kunden',
      'Kundenzufriedenheit',
      'Rückmeldungen zu Hilfeartikeln',
      'Anfragen und Kalender',
      'Anfragen für Kollegen',
      'Löschanträge',
      'Eigene Domains',
      'Single Sign-on',
      'Verzeichnis-Bereitstellung',
    ]);
  });
});
