// The staff pages' answers to a form, in each language but English (German, French): the settings
// refused beside the field (no sign-in method, the security log kept too briefly), and the
// confirmation of an access change for a person, each in the staff member's language with the
// words read from that language's files and no English left. The pages a link reaches are walked
// in Chromium (test/browser/translated-walk.ts); these are the ones only a form reaches.
import { expect } from 'chai';
import { SUPPORTED_LOCALES, translator } from '../../src/core/i18n/translations.ts';
import { demoNorthwind } from '../support/demo-records.ts';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

const ADMIN = '/settings/client-portal';

/** The visible text of the portal's part of a staff page, entities decoded enough for matching. */
function visibleText(page: string): string {
  const start = page.indexOf('<div class="admin admin--embedded"');
  return (start >= 0 ? page.slice(start) : page)
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, '\u00a0')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/[ \t\r\n]+/g, ' ');
}

describe('the staff pages answer a form in the staff member’s language', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let staff: ReturnType<PortalHarness['agent']>;
  let personPath: string;

  before(async () => {
    h = await startPortalHarness();
    const northwind = await demoNorthwind(h.crm.db);
    const maria = await h.crm
      .db('client_users')
      .where({ workspace_id: String(northwind.workspace_id), email: 'maria@northwind.test' })
      .first<{ id: string }>('id');
    personPath = `${ADMIN}/clients/${maria.id}/access`;
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async () => {
    await h?.close();
  });

  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
    const t = translator(locale);
    const english = translator('en');
    const page = async (path: string) => (await staff.get(path).set('Accept-Language', locale).expect(200)).text;

    it(`says in ${locale} why the settings were not saved`, async function () {
      // Both sign-in methods off and the log kept too briefly: the schema's English sentences, shown
      // in the staff member's language.
      const res = await staff
        .post(ADMIN)
        .set('Accept-Language', locale)
        .type('form')
        .send({ _csrf: csrfFrom(await page(ADMIN)), securityLogDays: '7' })
        .expect(400);
      expect(res.text).to.match(new RegExp(`<(html|div)[^>]* lang="${locale}"`));
      const text = visibleText(res.text);
      for (const key of ['staff:errors.messages.oneSignInMethod', 'staff:errors.messages.securityLogDays']) {
        expect(text).to.contain(t(key));
        expect(text).to.not.contain(english(key));
      }
      expect(text).to.contain(t('admin:settings.notSaved')).and.not.contain(english('admin:settings.notSaved'));
    });

    it(`confirms in ${locale} an access change for a person`, async function () {
      const res = await staff
        .post(personPath)
        .set('Accept-Language', locale)
        .type('form')
        .send({ _csrf: csrfFrom(await page(personPath)), role: 'billing', hide_messages: 'on' })
        .expect(200);
      const text = visibleText(res.text);
      const role = (key: string) => t(`staff:roles.builtIn.${key}.label`);
      expect(text).to.contain(t('admin:access.change.role', { from: role('full'), to: role('billing') }));
      expect(text).to.contain(t('admin:access.confirm.save'));
      for (const key of ['admin:access.confirm.save', 'admin:access.confirm.followAtOnce', 'staff:cancel'])
        expect(text, key).to.not.contain(english(key));
    });
  }
});
