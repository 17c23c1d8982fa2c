// The subject of the email staff get at once for a client's act: every event that emails at once
// (NOTIFICATION_RULES) has its own words in every language, so no subject shows a text's key; and
// an event without them still gets the portal's general subject, never the key. A booking's time is
// said in the reader's zone and words, not as the UTC instant the log keeps.
import { expect } from 'chai';
import { SUPPORTED_LOCALES, translator, useLocaleFolders } from '../../../core/i18n/translations.ts';
import type { ActivityRow } from '../../../core/index.ts';
import { formattersFor } from '../../../core/i18n/formatters.ts';
import { immediateEmail } from '../emails.ts';
import { notificationsManifest } from '../manifest.ts';
import { eventsFor } from '../rules.ts';

const event = (name: string, details: Record<string, unknown>) =>
  ({
    id: '1',
    workspace_id: '1',
    client_id: null,
    client_user_id: null,
    event: name,
    details,
    ip: null,
    user_agent: null,
    created_at: new Date('2026-11-29T10:00:00Z'),
  }) as unknown as ActivityRow;

const emailOf = (row: ActivityRow, timeZone = 'UTC') =>
  immediateEmail({
    to: 'admin@agency.example',
    words: { t: translator('en'), fmt: formattersFor('en', timeZone), timeZone },
    workspace: { id: '1', slug: 'demo', name: 'Demo Agency', logoUrl: null, brandColor: null },
    event: row,
    clientNames: new Map(),
    listUrl: 'https://crm.example/client-portal/notifications',
  });

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
    expect(emailOf(event('sign_in.succeeded', {})).subject)
      .to.match(/^Client portal: /)
      .and.not.contain('emailSubjects');
  });

  it("says when a booking starts in the reader's time zone, not as the log's UTC instant", function () {
    const booked = event('appointment.requested', {
      service: 'Consultation',
      startsAt: '2026-12-04T08:30:00.000Z',
      timeZone: 'Europe/Berlin',
    });
    const email = emailOf(booked, 'Europe/Berlin');
    expect(email.subject)
      .to.match(/^A client asked for an appointment: /)
      .and.contain("'Consultation' Dec 4, 2026, 9:30");
    expect(email.text).to.not.contain('08:30:00.000Z');
  });
});
