// An offer the agency marked accepted or declined in its CRM, with no decision made in the portal,
// says so in the "Your answer" panel (when, by the agency's records) instead of an empty panel.
import { expect } from 'chai';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('an offer decided outside the portal', function () {
  this.timeout(120_000);
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness();
  });
  after(async function () {
    await h?.close();
  });

  /** Maria's first offer of a kind that has no portal decision, set to `status` in the CRM as if staff had recorded it. */
  async function decideInCrm(table: 'proposals', status: 'accepted' | 'declined', decidedAt: Date | null): Promise<string> {
    const row = await h.crm
      .db(`${table} as o`)
      .join('contacts as c', function joinContact() {
        this.on('c.client_id', '=', 'o.client_id').andOn('c.workspace_id', '=', 'o.workspace_id');
      })
      .join('workspaces as w', 'w.id', 'o.workspace_id')
      .where({ 'w.slug': 'demo', 'c.email': 'maria@northwind.test' })
      .whereNot('o.status', 'draft')
      // None decided in the portal: what the agency recorded is all there is.
      .whereNotExists(function noPortalDecision() {
        this.select(1).from('portal_offer_decisions as d').where('d.offer_kind', table.slice(0, -1)).andWhereRaw('d.offer_id = o.id::text');
      })
      .orderBy('o.id')
      .first<{ id: number }>('o.id');
    expect(row, `a ${table.slice(0, -1)} of Maria's`).to.not.equal(undefined);
    await h.crm.db(table).where({ id: row.id }).update({ status, decided_at: decidedAt });
    return `/portal/demo/${table}/${row.id}`;
  }

  async function answerPanel(href: string, language = 'en'): Promise<string> {
    const agent = await signedInDemoClient(h, 'maria@northwind.test');
    const page = await agent.get(href).set('Accept-Language', language).expect(200);
    const panel = /<section class="panel" aria-labelledby="offer-actions-title"[\s\S]*?<\/section>/.exec(page.text);
    expect(panel, 'the answer panel').to.not.equal(null);
    return textOf(panel![0]);
  }

  it("says when it was accepted, by the agency's records", async function () {
    const href = await decideInCrm('proposals', 'accepted', new Date('2026-03-04T10:00:00Z'));
    const text = await answerPanel(href);
    expect(text).to.match(/Accepted on .*2026.*, as recorded by the agency\./);
    expect(text).to.not.contain('You accepted');
  });

  it('says it was declined when the CRM keeps no date', async function () {
    const href = await decideInCrm('proposals', 'declined', null);
    const text = await answerPanel(href);
    expect(text).to.contain('Declined, as recorded by the agency.');
  });

  it('says it in German too', async function () {
    const href = await decideInCrm('proposals', 'declined', new Date('2026-03-05T10:00:00Z'));
    const text = await answerPanel(href, 'de');
    expect(text).to.match(/Abgelehnt am .*2026.*, laut den Unterlagen der Agentur\./);
  });
});
