// The request catalogue and the appointment services in the reader's language, where the agency
// named them in it (the reference CRM keeps German and French beside its own English words): a
// client reading German sees "Angebot für Druckarbeiten anfragen", its form's "Produkt" and
// "Visitenkarten", and "Beratung" to book and on their appointments; one reading French "Demander
// un devis d’impression" and "Entretien conseil"; one reading English the CRM's own words, even in
// a workspace whose language is German.
import { expect } from 'chai';
import { csrfFrom, type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { textOf } from './support.ts';

describe('the request catalogue and appointment services in the reader’s language', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let workspaceId: string;
  let printing: number;
  let booked: number;

  before(async function () {
    h = await startPortalHarness();
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    printing = (
      await h.crm.db('request_definitions').where({ workspace_id: workspaceId, name: 'Request a quote for printing' }).first('id')
    ).id;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, show_requests: true, allow_file_uploads: true, show_appointments: true, default_locale: 'de' })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(workspaceId);
    // A consultation Northwind asked for, a week ahead.
    const consultation = await h.crm.db('appointment_services').where({ workspace_id: workspaceId, name: 'Consultation' }).first('id');
    const northwind = await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id');
    const startsAt = new Date(Date.now() + 7 * 86_400_000);
    [{ id: booked }] = await h.crm
      .db('appointments')
      .insert({
        workspace_id: workspaceId,
        client_id: northwind.id,
        service_id: consultation.id,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 30 * 60_000),
        time_zone: 'Europe/Berlin',
      })
      .returning('id');
  });
  after(async function () {
    await h?.close();
  });

  async function mariaReading(locale: 'en' | 'de' | 'fr') {
    const agent = await signedInDemoClient(h, 'maria@northwind.test');
    const page = await agent.get('/portal/demo/account').expect(200);
    await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale, timeZone: '' })
      .expect(303);
    return agent;
  }

  /** What a reader sees: the catalogue, one entry's form, the booking form's services, and a booked consultation. */
  async function pagesFor(locale: 'en' | 'de' | 'fr') {
    const agent = await mariaReading(locale);
    return {
      catalogue: textOf((await agent.get('/portal/demo/requests').expect(200)).text),
      form: textOf((await agent.get(`/portal/demo/requests/new/${printing}`).expect(200)).text),
      booking: textOf((await agent.get('/portal/demo/appointments/new').expect(200)).text),
      appointments: textOf((await agent.get('/portal/demo/appointments').expect(200)).text),
      appointment: textOf((await agent.get(`/portal/demo/appointments/${booked}`).expect(200)).text),
    };
  }

  it('names them in German for a client reading German', async function () {
    const { catalogue, form, booking, appointments, appointment } = await pagesFor('de');
    expect(catalogue).to.contain('Angebot für Druckarbeiten anfragen').and.contain('Änderung an der Website anfragen');
    expect(catalogue).to.contain('Flyer, Plakate, Visitenkarten: Sagen Sie uns');
    expect(catalogue).to.not.contain('Request a quote for printing');
    expect(form).to.contain('Produkt').and.contain('Visitenkarten').and.contain('PDF oder Bild, druckfertig');
    expect(form).to.not.contain('Business cards');
    expect(booking).to.contain('Beratung').and.not.contain('Consultation');
    expect(appointments).to.contain('Beratung').and.not.contain('Consultation');
    expect(appointment).to.contain('Beratung').and.not.contain('Consultation');
  });

  it('names them in French for a client reading French', async function () {
    const { catalogue, form, booking, appointment } = await pagesFor('fr');
    expect(catalogue).to.contain('Demander un devis d’impression').and.contain('Demander une modification du site');
    expect(catalogue).to.not.contain('Request a quote for printing');
    expect(form).to.contain('Quantité').and.contain('Cartes de visite');
    expect(booking).to.contain('Entretien conseil').and.contain('Atelier');
    expect(appointment).to.contain('Entretien conseil');
  });

  it('keeps the CRM’s own words for a client reading English, in a workspace whose language is German', async function () {
    const { catalogue, form, booking, appointment } = await pagesFor('en');
    expect(catalogue).to.contain('Request a quote for printing').and.contain('Request a website change');
    expect(catalogue).to.not.contain('Angebot für Druckarbeiten anfragen');
    expect(form).to.contain('Product').and.contain('Business cards');
    expect(booking).to.contain('Consultation').and.contain('Workshop').and.not.contain('Beratung');
    expect(appointment).to.contain('Consultation').and.not.contain('Beratung');
  });
});
