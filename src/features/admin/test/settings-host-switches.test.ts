// The settings page beside a host that switches sections off in its own settings
// (HostWorkspace.sectionsOffInHost, e.g. Alga's client portal feature settings): the switch of
// such a section says, in English and German, that the CRM has it off, and the others say nothing.
import { expect } from 'chai';
import {
  DEFAULT_SETTINGS,
  formattersFor,
  type HostWorkspace,
  SUPPORTED_LOCALES,
  translator,
  useLocaleFolders,
} from '../../../core/index.ts';
import { adminManifest } from '../manifest.ts';
import { presentSettingsPage, settingsFormValues, switchesNotInHost } from '../presenters.ts';

describe('admin settings page: sections the host switched off', () => {
  before(() => useLocaleFolders([adminManifest.locales!]));

  const page = (workspace: HostWorkspace, locale: (typeof SUPPORTED_LOCALES)[number]) =>
    presentSettingsPage({
      workspace,
      settings: { ...DEFAULT_SETTINGS, showAppointments: true },
      values: settingsFormValues({ ...DEFAULT_SETTINGS, showAppointments: true }, workspace),
      portalBase: '/portal/acme',
      appUrl: 'http://localhost',
      words: { t: translator(locale), fmt: formattersFor(locale, 'UTC') },
    });
  const acme: HostWorkspace = { id: 'w1', slug: 'acme', name: 'Acme', logoUrl: null, brandColor: null };

  it('says beside the switch that the CRM has the section off, in every language, and nothing beside the others', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const switches = page({ ...acme, sectionsOffInHost: ['appointments', 'no-such-section'] }, locale).switches;
      const appointments = switches.find((s) => s.key === 'showAppointments')!;
      expect(appointments.warning, locale).to.be.a('string').and.not.include('admin:');
      expect(appointments.checked, 'the saved choice stays as saved').to.equal(true);
      expect(switches.filter((s) => s.warning).map((s) => s.key)).to.deep.equal(['showAppointments']);
    }
    expect(
      page({ ...acme, sectionsOffInHost: ['appointments'] }, 'en').switches.find((s) => s.key === 'showAppointments')!.warning,
    ).to.include('CRM');
    expect(page(acme, 'en').switches.every((s) => s.warning === null)).to.equal(true);
  });

  it("says beside each switch whose section the host's binding does not serve that clients will not see it, in every language", () => {
    // A binding file that maps proposals and invoices only, and records no payment.
    const invoices = { list: async () => ({ items: [], next: null }), find: async () => null };
    const notInHost = switchesNotInHost({ offers: {} as never, invoices } as never);
    expect([...notInHost]).to.include.members(['showTickets', 'showTasks', 'showContracts', 'allowOnlinePayments']);
    expect([...notInHost]).not.to.include.members(['showProposals', 'showInvoices']);
    for (const locale of SUPPORTED_LOCALES) {
      const switches = presentSettingsPage({
        workspace: acme,
        settings: DEFAULT_SETTINGS,
        values: settingsFormValues(DEFAULT_SETTINGS, acme),
        portalBase: '/portal/acme',
        appUrl: 'http://localhost',
        notInHost,
        words: { t: translator(locale), fmt: formattersFor(locale, 'UTC') },
      }).switches;
      const tickets = switches.find((s) => s.key === 'showTickets')!;
      expect(tickets.warning, locale).to.be.a('string').and.not.include('admin:');
      expect(switches.find((s) => s.key === 'showProposals')!.warning, locale).to.equal(null);
    }
  });
});
