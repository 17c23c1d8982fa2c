// A ticket's category and priority in the reader's language where the agency named them in it: the
// reference CRM keeps its dictionaries' names by language, so a client reading German sees
// "Priorität: Hoch" and "Abrechnung", on the list, the ticket and the new-ticket form, a client
// reading French "Priorité : Haute" and "Facturation", and a client reading English the CRM's own names.
import { expect } from 'chai';
import { csrfFrom, type PortalHarness, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

describe("tickets' categories and priorities in the reader's language", function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let workspaceId: string;

  before(async function () {
    h = await startPortalHarness();
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: workspaceId, show_tickets: true });
    await h.crm.portal.workspaceChanged(workspaceId);
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

  /** The words of the page's option elements of one select. */
  const optionsOf = (html: string, name: string) => {
    const select = new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
    return [...select.matchAll(/<option[^>]*value="\d+"[^>]*>\s*([^<]+?)\s*</g)].map((m) => m[1]);
  };

  it('names them in German for a client reading German', async function () {
    const maria = await mariaReading('de');
    const list = await maria.get('/portal/demo/tickets?tab=all').expect(200);
    expect(list.text).to.contain('Priorität: Hoch').and.contain('Priorität: Niedrig');
    expect(list.text).to.not.contain('Priorität: High');
    const href = /href="(\/portal\/demo\/tickets\/[^"]+)"><span class="ticket-list__ref">[^<]*<\/span> Contact form on the website/.exec(
      list.text,
    )?.[1];
    expect(href, 'the ticket link').to.be.a('string');
    const ticket = await maria.get(href!).expect(200);
    expect(ticket.text).to.contain('Website').and.contain('Priorität: Hoch');
    const form = await maria.get('/portal/demo/tickets/new').expect(200);
    expect(optionsOf(form.text, 'categoryId')).to.deep.equal(['Website', 'Design', 'Abrechnung', 'Sonstiges']);
    expect(optionsOf(form.text, 'priorityId')).to.deep.equal(['Dringend', 'Hoch', 'Normal', 'Niedrig']);
  });

  it('names them in French for a client reading French', async function () {
    const maria = await mariaReading('fr');
    const list = await maria.get('/portal/demo/tickets?tab=all').expect(200);
    expect(list.text).to.contain('Priorité\u00a0: Haute').and.not.contain('Priorité\u00a0: High');
    const form = await maria.get('/portal/demo/tickets/new').expect(200);
    expect(optionsOf(form.text, 'categoryId')).to.deep.equal(['Site web', 'Design', 'Facturation', 'Autre']);
    expect(optionsOf(form.text, 'priorityId')).to.deep.equal(['Urgente', 'Haute', 'Normale', 'Basse']);
  });

  it("gives the CRM's own names to a client reading English, and to a language it has none in", async function () {
    const maria = await mariaReading('en');
    const list = await maria.get('/portal/demo/tickets?tab=all').expect(200);
    expect(list.text).to.contain('Priority: High').and.not.contain('Hoch');
    const form = await maria.get('/portal/demo/tickets/new').expect(200);
    expect(optionsOf(form.text, 'categoryId')).to.deep.equal(['Website', 'Design', 'Billing', 'Other']);
    // A name kept only in Spanish: an English reader still gets the CRM's own.
    await h.crm
      .db('ticket_priorities')
      .where({ workspace_id: Number(workspaceId), name: 'Low' })
      .update({ names: { es: 'Baja' } });
    const again = await maria.get('/portal/demo/tickets/new').expect(200);
    expect(optionsOf(again.text, 'priorityId')).to.deep.equal(['Urgent', 'High', 'Normal', 'Low']);
  });
});
