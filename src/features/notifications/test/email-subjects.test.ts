// The subject of the email staff get at once for a client's act: every event that emails at once
// (NOTIFICATION_RULES) has its own words in every language, so no subject shows a text's key; and
// an event without them still gets the portal's general subject, never the key.
import { expect } from 'chai';
import { SUPPORTED_LOCALES, translator, useLocaleFolders } from '../../../core/i18n/translations.ts';
import type { ActivityRow } from '../../../core/index.ts';
import { formattersFor } from '../../../core/i18n/formatters.ts';
import { immediateEmail } from '../emails.ts';
import { notificationsManifest } from '../manifest.ts';
import { eventsFor } from '../rules.ts';

describe('the subjects of the emails staff get at once', function () {
  before(() => useLocaleFolders([notificationsManifest.locales!]));

  for (const locale of SUPPORTED_LOCALES) {
    it(`has words for every event that emails at once, in ${locale}`, function () {
      const t = translator(locale);
      const missing = eventsFor('immediate').filter((event) => !t(`notifications:emailSubjects.${event}`, { defaultValue: '' }));
      expect(missing).to.deep.equal([]);
    });
  }

  it("says the portal's general subject for an event without words of its own, never a key", function () {
    const email = immediateEmail({
      to: 'admin@agency.example',
      words: { t: translator('en'), fmt: formattersFor('en', 'UTC'), timeZone: 'UTC' },
      workspace: { id: '1', slug: 'demo', name: 'Demo Agency', logoUrl: null, brandColor: null },
      event: {
        id: '1',
        workspace_id: '1',
        client_id: null,
        client_user_id: null,
        event: 'sign_in.succeeded',
        details: {},
        ip: null,
        user_agent: null,
        created_at: new Date('2026-11-29T10:00:00Z'),
      } as unknown as ActivityRow,
      clientNames: new Map(),
      listUrl: 'https://crm.example/client-portal/notifications',
    });
    expect(email.subject)
      .to.match(/^Client portal: /)
      .and.not.contain('emailSubjects');
  });
});
