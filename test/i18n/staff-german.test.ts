// The staff side of the portal speaks the staff member's language: with a German browser (and no
// language of their own in the CRM) every staff page of the portal is German, lang="de", with no
// English words of the interface left behind, and its dates, times and amounts in German formats;
// the record page no longer mixes German numbers into English labels; the notifications list
// formats in the staff member's language; the payment settings (and the list of money received
// but not applied, with a row and its Refund button), a person's and a company's access
// pages (their computed lines and role names), a person's sign-in and security log, the
// confirmations of an access change, and the banner and choice of "view as" a client are German
// too; an English browser still gets English.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { demoNorthwind, sentProposal } from '../support/demo-records.ts';
import { insertActivity } from '../../src/core/activity/queries.ts';

const ADMIN = '/settings/client-portal';

/** Words of the English staff interface (never of the seeded data) that must not appear on a German staff page. */
const ENGLISH = [
  'Client portal',
  'Settings',
  'Client users',
  'Client roles',
  'Activity log',
  'Erasure requests',
  'Colleague requests',
  'Skip to content',
  'Money received',
  'Refund',
  'Provider reference',
  'The checkout had already been closed',
  'Save settings',
  'What clients can see',
  'How clients sign in',
  'Invite',
  'Not invited',
  'All clients',
  'All events',
  'Client activity',
  'Previous',
  'No one has asked yet',
  'Requests for new colleagues',
  'Client notifications',
  'Mark all as read',
  'Nothing new',
  'Client messages',
  'Write to a client',
  'Decision and evidence',
  'Public links',
  'Comments with the client',
  'View as this client',
  'Proposal PR',
  'Invoice INV',
  'Language:',
  'Access log',
  'Uploaded by',
  'Not yet',
  'Valid for',
  // The payment settings.
  'Payments',
  'Bank transfer instructions',
  'Online payment provider',
  'None: bank transfer only',
  'Save payment settings',
  'pay button',
  // Access: role names, what each part is called, the computed lines.
  'Client admin',
  'Full access',
  'Everything the workspace allows',
  'Proposals and quotations',
  'Paying online',
  'Uploading files',
  'Hidden:',
  'Your role',
  'Nothing',
  'Their open portal pages',
  'Change what',
  'Save the change',
  'No longer sees',
  'Role:',
  // Viewing a client's page as they see it.
  'Read-only view',
  'Nothing here acts for the client',
  'Back to the record',
  'View as',
  'The company (before roles',
  'does not see this',
  'page not found',
];

/**
 * The visible text of the portal's part of a staff page: no tags, no attribute values, entities
 * decoded enough for matching. The reference CRM's own header around it stays English: it stands
 * in for the host, whose pages are not the portal's to translate.
 */
function visibleText(page: string): string {
  const start = page.indexOf('<div class="admin admin--embedded"');
  const html = start >= 0 ? page.slice(start) : page;
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/\s+/g, ' ');
}

describe('the staff pages in German', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let staff: ReturnType<PortalHarness['agent']>;
  let recordPath: string;
  let companyPath: string;
  let personPath: string;
  let billingId: string;

  before(async () => {
    h = await startPortalHarness();
    const northwind = await demoNorthwind(h.crm.db);
    const proposalId = await sentProposal(h.crm.db, northwind, {
      number: 'PR-2026-771',
      items: [{ description: 'Design', quantity: 1, unitPriceCents: 2_470_000 }],
    });
    recordPath = `${ADMIN}/records/proposal/${northwind.id}/${proposalId}`;
    companyPath = `${ADMIN}/companies/${northwind.id}/access`;
    const person = (email: string) =>
      h.crm
        .db('client_users')
        .where({ workspace_id: String(northwind.workspace_id), email })
        .first<{ id: string }>('id');
    personPath = `${ADMIN}/clients/${(await person('maria@northwind.test')).id}/access`;
    // The demo's Billing colleague at Northwind: proposals are hidden from him by his role.
    billingId = (await person('ben@northwind.test')).id;
    // An entry for the activity log and the notifications, so their dates show.
    await insertActivity(h.crm.db, {
      workspaceId: String(northwind.workspace_id),
      event: 'privacy.export_requested',
      clientId: String(northwind.id),
      email: 'maria@northwind.test',
      details: { requestId: '1' },
    });
    // A decision and a payment named by their records, whose kinds are words of the reader's language.
    await insertActivity(h.crm.db, {
      workspaceId: String(northwind.workspace_id),
      event: 'offer.accepted',
      clientId: String(northwind.id),
      email: 'maria@northwind.test',
      details: { kind: 'proposal', offerId: proposalId, number: 'PR-2026-771', title: 'Relaunch' },
    });
    await insertActivity(h.crm.db, {
      workspaceId: String(northwind.workspace_id),
      event: 'invoice.payment_recorded',
      clientId: String(northwind.id),
      email: 'maria@northwind.test',
      details: { invoiceId: '1', invoiceNumber: 'INV-771', amountCents: 1250, currency: 'EUR' },
    });
    // Money taken that could not be applied, so the unapplied list shows its table and Refund button.
    await h.crm.db('client_unapplied_payments').insert({
      workspace_id: String(northwind.workspace_id),
      id: randomUUID(),
      payment_id: randomUUID(),
      client_id: String(northwind.id),
      invoice_id: '1',
      invoice_number: 'INV-771',
      provider: 'stripe',
      amount_cents: 23_000,
      currency: 'EUR',
      reference: 'pi_german',
      reason: 'checkout_closed',
    });
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async () => {
    await h?.close();
  });

  const german = async (path: string) => {
    const res = await staff.get(path).set('Accept-Language', 'de-DE,de;q=0.9').expect(200);
    return res.text;
  };

  for (const [label, path] of [
    ['settings', ADMIN],
    ['client users', `${ADMIN}/clients`],
    ['client roles', `${ADMIN}/roles`],
    ['activity', `${ADMIN}/activity`],
    ['colleague requests', `${ADMIN}/colleague-requests`],
    ['erasure requests', `${ADMIN}/erasure-requests`],
    ['custom domains', `${ADMIN}/custom-domains`],
    ['notifications', '/client-portal/notifications'],
    ['inbox', '/client-messages?q='],
    ['client uploads', `${ADMIN}/uploads`],
    ['payment settings', `${ADMIN}/payments`],
    ['money received, not applied', `${ADMIN}/payments/unapplied`],
    ['single sign-on', `${ADMIN}/single-sign-on`],
    ['help article feedback', `${ADMIN}/help-feedback`],
    ['new identity provider', `${ADMIN}/single-sign-on/new`],
    ['directory provisioning', `${ADMIN}/directory-provisioning`],
  ] as const) {
    it(`shows the ${label} page in German, lang="de", with no English interface words`, async function () {
      const html = await german(path);
      expect(html).to.match(/<(html|div)[^>]* lang="de"/);
      const text = visibleText(html);
      for (const word of ENGLISH) expect(text, `${label} still says "${word}"`).to.not.contain(word);
    });
  }

  it('names records in the notifications and the activity log by German kinds, and the offer by its kind', async function () {
    for (const path of ['/client-portal/notifications', `${ADMIN}/activity`]) {
      const text = visibleText(await german(path));
      expect(text, path).to.contain('Hat ein Angebot angenommen — Angebot PR-2026-771').and.contain('Rechnung INV-771');
    }
  });

  it('shows money received but not applied in German: the row, why, and its Refund button', async function () {
    const text = visibleText(await german(`${ADMIN}/payments/unapplied`));
    expect(text).to.contain('Der Bezahlvorgang war bereits geschlossen').and.contain('230,00 € erstatten');
  });

  it('shows a person’s sign-in and security log in German, linked from their page', async function () {
    const logPath = personPath.replace(/\/access$/, '/security-log');
    expect(await german(personPath)).to.contain(`href="${logPath}"`);
    const html = await german(logPath);
    expect(html).to.match(/<(html|div)[^>]* lang="de"/);
    const text = visibleText(html);
    for (const word of [...ENGLISH, 'Sign-in and security log', 'Entries are kept']) expect(text, word).to.not.contain(word);
    expect(text).to.contain('Anmelde- und Sicherheitsprotokoll von Maria García').and.contain('Tage lang aufbewahrt');
  });

  it('shows a company’s directory provisioning page in German', async function () {
    const text = visibleText(await german(companyPath.replace('/companies/', '/directory-provisioning/').replace(/\/access$/, '')));
    for (const word of [...ENGLISH, 'Create a token', 'New people']) expect(text, word).to.not.contain(word);
    expect(text).to.contain('Token erstellen').and.contain('Rolle einer bereitgestellten Person');
  });

  it('shows the company access page in German', async function () {
    const html = await german(companyPath);
    const text = visibleText(html);
    for (const word of [...ENGLISH, 'Hide from everyone', 'Review the change', 'People at']) expect(text, word).to.not.contain(word);
    expect(text).to.contain('Änderung prüfen');
  });

  it('shows a person’s access page in German: role names, what each part is called, why it is hidden', async function () {
    const html = await german(`${personPath}?saved=1`);
    const text = visibleText(html);
    for (const word of ENGLISH) expect(text, word).to.not.contain(word);
    expect(text).to.contain('Voller Zugriff').and.contain('Kunden-Admin').and.contain('Angebote und Kostenvoranschläge');
  });

  it('says in German why the settings were not saved, beside the field', async function () {
    // Both sign-in methods off: the schema's English sentence, shown in the staff member's language.
    const res = await staff
      .post(ADMIN)
      .set('Accept-Language', 'de-DE,de;q=0.9')
      .type('form')
      .send({ _csrf: csrfFrom(await german(ADMIN)) })
      .expect(400);
    const text = visibleText(res.text);
    expect(text).to.contain('Lassen Sie mindestens eine Anmeldeart eingeschaltet');
    expect(text).to.not.contain('Keep at least one sign-in method');
  });

  it('confirms an access change in German, for a person and for a company', async function () {
    const confirm = async (path: string, form: Record<string, string>) => {
      const page = await german(path);
      const res = await staff
        .post(path)
        .set('Accept-Language', 'de-DE,de;q=0.9')
        .type('form')
        .send({ _csrf: csrfFrom(page), ...form })
        .expect(200);
      return visibleText(res.text);
    };
    const person = await confirm(personPath, { role: 'billing', hide_messages: 'on' });
    for (const word of ENGLISH) expect(person, `the person's confirmation still says "${word}"`).to.not.contain(word);
    expect(person).to.contain('Voller Zugriff → Buchhaltung');
    const company = await confirm(companyPath, { hide_tasks: 'on' });
    for (const word of [...ENGLISH, 'Everyone at', 'A role or a person'])
      expect(company, `the company's confirmation still says "${word}"`).to.not.contain(word);
  });

  it('shows the banner and the choice of a read-only view as the client in German, and why a page is hidden from a person', async function () {
    const asClient = await staff.get(`${recordPath}/as-client`).set('Accept-Language', 'de-DE,de;q=0.9').expect(200);
    const banner = visibleText(asClient.text.slice(0, asClient.text.indexOf('</form>', asClient.text.indexOf('view-as-person'))));
    for (const word of ENGLISH) expect(banner, `the banner still says "${word}"`).to.not.contain(word);
    const hidden = visibleText(await german(`${recordPath}/as-client?as=${billingId}`));
    for (const word of ENGLISH) expect(hidden, `the hidden page still says "${word}"`).to.not.contain(word);
    expect(hidden).to.contain('Buchhaltung');
  });

  it('shows the record page in German words and German formats, not "24.700,00 $" beside English labels', async function () {
    const html = await german(recordPath);
    const text = visibleText(html);
    for (const word of ENGLISH) expect(text, `the record page still says "${word}"`).to.not.contain(word);
    expect(text).to.contain('Angebot PR-2026-771');
    expect(text).to.contain('24.700,00 $');
    expect(text).to.contain('Entscheidung und Nachweis');
  });

  it('writes German dates on the staff pages (one format: "25.11.2026, 07:04")', async function () {
    const html = await german(`${ADMIN}/activity`);
    const times = [...html.matchAll(/<time datetime="[^"]+">([^<]+)<\/time>/g)].map((m) => m[1]!);
    expect(times.length).to.be.greaterThan(0);
    for (const time of times) expect(time).to.match(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
  });

  it('still speaks English to an English browser', async function () {
    const res = await staff.get(ADMIN).set('Accept-Language', 'en-GB').expect(200);
    expect(res.text).to.match(/<(html|div)[^>]* lang="en"/);
    expect(visibleText(res.text)).to.contain('Save settings');
  });
});
