// The Company page over HTTP against the reference CRM: everyone of the company reads the details
// the CRM keeps; the client admin, with the workspace's switch on, changes them (PRG), written to
// the CRM's clients row in one transaction with the activity log's entry (old → new per field),
// which the agency's notifications are built from; the next invoice PDF carries the new address.
// A US or UK town line ("Seattle, WA 98101") gives its postal code, and is written back in its order.
// Forms refused with a reason (400); the form is a 404 to anyone without the permission, and
// another company never sees or changes this one's details.
import { expect } from 'chai';
import { eventsFor } from '../../notifications/rules.ts';
import { subjectNameOf } from '../../../core/activity/records.ts';
import { translator } from '../../../core/i18n/translations.ts';
import { formattersFor } from '../../../core/i18n/formatters.ts';
import { binary, flatText as flat, pdfText } from '../../../../test/support/pdf-text.ts';
import {
  csrfFrom,
  signedInAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

describe('company details', function () {
  let h: PortalHarness;
  let olivia: ReturnType<PortalHarness['agent']>;
  let maria: ReturnType<PortalHarness['agent']>;
  let ben: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let northwind: { id: number; address: string; tax_id: string };
  const url = '/portal/demo/account/company';

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  const valid = {
    addressLine1: 'Friedrichstraße 123',
    addressLine2: '4. Etage',
    postalCode: '10117',
    city: 'Berlin',
    countryCode: 'DE',
    billingEmail: 'Rechnungen@Northwind.test',
    phone: '+49 30 1234-5678',
    taxId: 'DE 123 456 789',
  };
  const save = async (agent: typeof olivia, values: Record<string, string>, status: number) => {
    const page = (await agent.get(url).expect(200)).text;
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page), ...values })
      .expect(status);
  };

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    northwind = await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id', 'address', 'tax_id');
    olivia = await signedInAgent(h.agent(), 'demo', login('olivia@northwind.test'));
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    ben = await signedInAgent(h.agent(), 'demo', login('ben@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  afterEach(async function () {
    await h.crm
      .db('clients')
      .where({ id: northwind.id })
      .update({ address: northwind.address, tax_id: northwind.tax_id, billing_email: null, phone: null });
    await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'company.details_changed' })
      .delete();
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('shows the details read only while the switch is off, and the form is a 404', async function () {
    const page = (await olivia.get(url).expect(200)).text;
    expect(page).to.contain('Company details').and.contain('410 Harbor Street').and.contain('United States').and.contain('91-1144442');
    expect(page).to.contain('To change them, ask your client admin or the agency.');
    expect(page).to.not.contain('name="addressLine1"');
    await olivia
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page), ...valid })
      .expect(404);
    // The account page links to it.
    expect((await olivia.get('/portal/demo/account').expect(200)).text).to.contain('href="/portal/demo/account/company"');
  });

  it('lets only the client admin change them: Full access and Billing read them, and their POST is a 404', async function () {
    await setSettings({ allow_company_details_edit: true });
    expect((await olivia.get(url).expect(200)).text).to.contain('name="addressLine1"');
    for (const agent of [maria, ben]) {
      const page = (await agent.get(url).expect(200)).text;
      expect(page).to.contain('410 Harbor Street').and.not.contain('name="addressLine1"');
      await agent
        .post(url)
        .type('form')
        .send({ _csrf: csrfFrom(page), ...valid })
        .expect(404);
    }
    // The agency hides the permission from Olivia: the form is gone for her too.
    await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'olivia@northwind.test' })
      .update({ denied_permissions: ['companyDetails'] });
    try {
      const page = (await olivia.get(url).expect(200)).text;
      expect(page).to.not.contain('name="addressLine1"');
      await olivia
        .post(url)
        .type('form')
        .send({ _csrf: csrfFrom(page), ...valid })
        .expect(404);
    } finally {
      await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), email: 'olivia@northwind.test' })
        .update({ denied_permissions: [] });
    }
  });

  it('writes a change to the CRM with its log entry (old → new), and the next invoice PDF carries it', async function () {
    await setSettings({ allow_company_details_edit: true });
    const res = await save(olivia, valid, 303);
    expect(res.headers.location).to.equal(`${url}?notice=saved`);
    const row = await h.crm.db('clients').where({ id: northwind.id }).first('address', 'billing_email', 'phone', 'tax_id', 'updated_at');
    expect(row).to.include({
      address: 'Friedrichstraße 123\n4. Etage\n10117 Berlin\nGermany',
      billing_email: 'rechnungen@northwind.test',
      phone: '+49 30 1234-5678',
      tax_id: 'DE123456789',
    });
    expect(row.updated_at).to.be.instanceOf(Date);
    const page = (await olivia.get(res.headers.location as string).expect(200)).text;
    expect(page).to.contain('The company’s details are saved, and the agency is told.').and.contain('value="Friedrichstraße 123"');

    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'company.details_changed' });
    expect(logged).to.have.length(1);
    expect(logged[0].client_id).to.equal(String(northwind.id));
    const changes = (logged[0].details as { changes: Array<{ field: string; from: string | null; to: string | null }> }).changes;
    expect(changes).to.deep.include({ field: 'addressLine1', from: '410 Harbor Street', to: 'Friedrichstraße 123' });
    expect(changes).to.deep.include({ field: 'countryCode', from: 'US', to: 'DE' });
    expect(changes).to.deep.include({ field: 'taxId', from: '91-1144442', to: 'DE123456789' });
    expect(changes).to.deep.include({ field: 'billingEmail', from: null, to: 'rechnungen@northwind.test' });
    // The agency reads it old → new, in its language.
    expect(subjectNameOf(logged[0], translator('en'), formattersFor('en', 'UTC'))).to.contain(
      'Street: 410 Harbor Street → Friedrichstraße 123',
    );
    expect(subjectNameOf(logged[0], translator('de'), formattersFor('de', 'UTC'))).to.contain('Land: US → DE');
    // The agency is notified of it (in its list, and by email at once).
    expect(eventsFor('in_app')).to.include('company.details_changed');
    expect(eventsFor('immediate')).to.include('company.details_changed');

    // Saving the same again changes nothing and logs nothing.
    expect((await save(olivia, valid, 303)).headers.location).to.equal(`${url}?notice=unchanged`);
    expect(
      await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'company.details_changed' }),
    ).to.have.length(1);

    // The next invoice PDF names the company at its new address, with its new VAT number.
    const invoice = await h.crm
      .db('invoices')
      .where({ workspace_id: workspaceId, client_id: northwind.id })
      .whereNot({ status: 'draft' })
      .first('id');
    const pdf = await maria.get(`/portal/demo/invoices/${invoice.id}.pdf`).buffer(true).parse(binary).expect(200);
    const text = flat(await pdfText(pdf.body as Buffer));
    expect(text).to.contain('Friedrichstraße 123').and.contain('10117 Berlin').and.contain('DE123456789');
    expect(text).to.not.contain('410 Harbor Street');
  });

  it('refuses what is not a company’s detail with a reason beside each field, and writes nothing', async function () {
    await setSettings({ allow_company_details_edit: true });
    const bad = await save(olivia, { ...valid, city: ' ', billingEmail: 'not an email', phone: 'call me', taxId: 'DE12345' }, 400);
    expect(bad.text).to.contain('Enter the city.').and.contain('Enter an email address such as billing@example.com.');
    expect(bad.text).to.contain('Enter a phone number of digits').and.contain('This is not the shape of a VAT number of that country');
    expect(bad.text, 'the form keeps what was sent').to.contain('value="not an email"');
    // A VAT number of another member state than the address's country.
    expect((await save(olivia, { ...valid, taxId: 'NL123456789B01' }, 400)).text).to.contain(
      'This VAT number belongs to another country than the company’s address.',
    );
    // Outside the EU, a tax id is free text up to 20 characters.
    await save(olivia, { ...valid, countryCode: 'US', taxId: '91-1144442' }, 303);
    expect((await save(olivia, { ...valid, countryCode: 'XX' }, 400)).text).to.contain('Choose the country.');
    // A withdrawn code is no country to choose: the United Kingdom is GB, France FR, Russia RU.
    for (const withdrawn of ['UK', 'FX', 'SU', 'YU', 'DD']) {
      expect((await save(olivia, { ...valid, countryCode: withdrawn }, 400)).text).to.contain('Choose the country.');
    }
    const row = await h.crm.db('clients').where({ id: northwind.id }).first('tax_id');
    expect(row.tax_id).to.equal('91-1144442');
    expect(
      await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'company.details_changed' }),
    ).to.have.length(1);
  });

  it('offers each country once, by its current code', async function () {
    await setSettings({ allow_company_details_edit: true });
    const page = await olivia.get(url).expect(200);
    const codes = [...page.text.matchAll(/<option value="([A-Z]{2})"/g)].map((match) => match[1]);
    expect(codes).to.include.members(['GB', 'FR', 'RU', 'RS', 'DE', 'US']);
    for (const withdrawn of ['UK', 'FX', 'SU', 'YU', 'CS', 'DD', 'EU', 'ZZ']) expect(codes, withdrawn).not.to.include(withdrawn);
    expect(codes.filter((code) => code === 'FR')).to.have.length(1);
    expect(new Set(codes).size).to.equal(codes.length);
  });

  it('speaks German', async function () {
    await setSettings({ allow_company_details_edit: true });
    const page = (await olivia.get(url).set('Accept-Language', 'de').expect(200)).text;
    expect(page).to.contain('Firmendaten').and.contain('Straße und Hausnummer').and.contain('Vereinigte Staaten');
  });

  it('speaks French, and reads an address whose country the CRM’s users wrote in French', async function () {
    await setSettings({ allow_company_details_edit: true });
    await h.crm.db('clients').where({ id: northwind.id }).update({ address: '12 rue de Rivoli\n75001 Paris\nAllemagne' });
    const page = (await olivia.get(url).set('Accept-Language', 'fr').expect(200)).text;
    expect(page).to.contain('Coordonnées de l’entreprise').and.contain('Numéro et rue').and.contain('12 rue de Rivoli');
    expect(page).to.contain('<option value="DE" selected>Allemagne</option>');
    expect(page).to.match(/name="postalCode"[^>]*value="75001"|value="75001"[^>]*name="postalCode"/);
  });

  it('splits a US or UK town line with its postal code last, and a save writes the line back as it was', async function () {
    await setSettings({ allow_company_details_edit: true });
    const fieldValue = (page: string, name: string) =>
      (new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`).exec(page) ?? [])
        .slice(1)
        .find((v) => v !== undefined);
    // The seeded address: "410 Harbor Street / Seattle, WA 98101 / United States". The portal has no
    // state field, so the state stays with the city.
    const page = (await olivia.get(url).expect(200)).text;
    expect(fieldValue(page, 'city')).to.equal('Seattle, WA');
    expect(fieldValue(page, 'postalCode')).to.equal('98101');
    expect(fieldValue(page, 'addressLine1')).to.equal('410 Harbor Street');
    expect(fieldValue(page, 'addressLine2')).to.equal('');
    const fields = ['addressLine1', 'addressLine2', 'postalCode', 'city', 'countryCode', 'billingEmail', 'taxId'];
    const same = Object.fromEntries(fields.map((name) => [name, fieldValue(page, name) ?? '']));
    same.countryCode = 'US';
    expect((await save(olivia, { ...same, phone: '+1 206 555 0100' }, 303)).headers.location).to.equal(`${url}?notice=saved`);
    expect((await h.crm.db('clients').where({ id: northwind.id }).first('address')).address).to.equal(northwind.address);
    // A moved postal code is written where a US address has it.
    await save(olivia, { ...same, phone: '+1 206 555 0100', postalCode: '98104' }, 303);
    expect((await h.crm.db('clients').where({ id: northwind.id }).first('address')).address).to.equal(
      '410 Harbor Street\nSeattle, WA 98104\nUnited States',
    );

    await h.crm.db('clients').where({ id: northwind.id }).update({ address: '10 Downing Street\nLondon SW1A 2AA\nUnited Kingdom' });
    const london = (await olivia.get(url).expect(200)).text;
    expect([fieldValue(london, 'postalCode'), fieldValue(london, 'city')]).to.deep.equal(['SW1A 2AA', 'London']);
  });

  it("never shows or changes another company's details", async function () {
    await setSettings({ allow_company_details_edit: true });
    const page = (await priya.get(url).expect(200)).text;
    expect(page).to.not.contain('410 Harbor Street').and.not.contain('91-1144442');
    const before = await h.crm.db('clients').where({ id: northwind.id }).first('address');
    // Priya is not Bluebell's client admin: her POST is a 404, and Northwind's row is untouched.
    await priya
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page), ...valid })
      .expect(404);
    expect(await h.crm.db('clients').where({ id: northwind.id }).first('address')).to.deep.equal(before);
  });
});
