// Covers KnowledgeBasePort on Dolibarr's real schema with the KnowledgeManagement module
// (dolibarr-more-modules.sql): the entity's validated knowledge records (status 1), never a draft
// (0), an obsolete one (9) or another entity's; question as title, the HTML answer read into text
// blocks with scripts and tags gone and entities decoded; categories of type 13 through
// llx_categorie_knowledgemanagement; the reader's first language the entity has records in, with
// language-less records, else every record; a search of question and answer text in any case,
// pages by question; suggestions by the words matched. The module switch decides the port. For the
// agency's page of answers, the titles of many records in one read: any status, never another entity's.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { dolibarrKnowledgeModule } from '../../plugins/dolibarr/knowledge-base.ts';
import type { KnowledgeBasePort } from '../../src/features/knowledge-base/port.ts';
import { type DolibarrHost, knowledgeModuleUnavailable, startDolibarrHost } from './dolibarr-host.ts';

const reason = knowledgeModuleUnavailable();

describe('dolibarr binding: knowledge base', function () {
  let host: DolibarrHost;
  let kb: KnowledgeBasePort;
  let workspace: string;
  let client: string;
  const ids = {} as Record<'pay' | 'hours' | 'horaires' | 'any' | 'draft' | 'obsolete' | 'other', number>;
  let billing: number;

  before(async function () {
    // Skipped where no real Dolibarr database can be made: its schema is loaded with psql into a
    // PostgreSQL server (DATABASE_URL), which the embedded engine is not.
    if (reason) this.skip();
    host = await startDolibarrHost({ knowledgeModule: true });
    const { db, seed } = host;
    workspace = String(seed.entity);
    client = String(seed.companies.bakery);
    kb = createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, knowledgeBase: true }).knowledgeBase as KnowledgeBasePort;
    let n = 0;
    const record = async (
      question: string,
      answer: string | null,
      fields: { lang?: string | null; status?: number; entity?: number } = {},
    ) => {
      n += 1;
      const [row] = await db('llx_knowledgemanagement_knowledgerecord')
        .insert({
          entity: fields.entity ?? seed.entity,
          ref: `KR-${n}`,
          date_creation: '2026-03-01 10:00:00',
          fk_user_creat: seed.users.admin,
          question,
          answer,
          lang: fields.lang === undefined ? 'en_US' : fields.lang,
          status: fields.status ?? 1,
        })
        .returning('rowid');
      return (row as { rowid: number }).rowid;
    };
    ids.pay = await record(
      'How do I pay by bank transfer?',
      '<p>Use the <strong>IBAN</strong> on the invoice &amp; its number.</p><script>alert(1)</script><ol><li>Open the invoice</li><li>Transfer</li></ol><h2>Fees</h2><ul><li>None</li></ul>',
    );
    ids.hours = await record('When are you open?', '<p>Monday to Friday.</p>');
    ids.horaires = await record('Quand êtes-vous ouverts ?', '<p>Du lundi au vendredi.</p>', { lang: 'fr_FR' });
    ids.any = await record('Emergency number', '<p>Call 112.</p>', { lang: null });
    ids.draft = await record('Draft question', '<p>Not yet.</p>', { status: 0 });
    ids.obsolete = await record('Old fax number', '<p>Gone.</p>', { status: 9 });
    ids.other = await record('Another entity', '<p>Elsewhere.</p>', { entity: 2 });
    const [category] = await db('llx_categorie')
      .insert({ entity: seed.entity, label: 'Billing', type: 13, position: 1, visible: 1 })
      .returning('rowid');
    billing = (category as { rowid: number }).rowid;
    await db('llx_categorie_knowledgemanagement').insert([
      { fk_categorie: billing, fk_knowledgemanagement: ids.pay },
      { fk_categorie: billing, fk_knowledgemanagement: ids.draft },
    ]);
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('is served only where the KnowledgeManagement module is on', async function () {
    expect(await dolibarrKnowledgeModule(host.db, host.seed.entity)).to.equal(true);
    await host.db('llx_const').where({ name: 'MAIN_MODULE_KNOWLEDGEMANAGEMENT' }).update({ value: '0' });
    try {
      expect(await dolibarrKnowledgeModule(host.db, host.seed.entity)).to.equal(false);
    } finally {
      await host.db('llx_const').where({ name: 'MAIN_MODULE_KNOWLEDGEMANAGEMENT' }).update({ value: '1' });
    }
    expect(createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug }).knowledgeBase).to.equal(undefined);
  });

  it('lists validated records in the reader’s language with language-less ones, by question; never drafts, obsolete or another entity’s', async function () {
    const english = await kb.list(workspace, client, ['en'], {}, { limit: 20 });
    expect(english.items.map((a) => a.title)).to.deep.equal(['Emergency number', 'How do I pay by bank transfer?', 'When are you open?']);
    expect(english.items[1]).to.deep.include({ language: 'en_US', category: { id: String(billing), name: 'Billing' } });
    expect(english.items[1]!.excerpt).to.equal('Use the IBAN on the invoice & its number. Open the invoice · Transfer · None');
    const french = await kb.list(workspace, client, ['fr', 'en'], {}, { limit: 20 });
    expect(french.items.map((a) => a.title)).to.deep.equal(['Emergency number', 'Quand êtes-vous ouverts ?']);
    const neither = await kb.list(workspace, client, ['de'], {}, { limit: 20 });
    expect(
      neither.items.map((a) => a.title),
      'no German record: every one',
    ).to.have.length(4);
    const first = await kb.list(workspace, client, ['en'], {}, { limit: 2 });
    const second = await kb.list(workspace, client, ['en'], {}, { limit: 2, after: first.next });
    expect(second.items.map((a) => a.title)).to.deep.equal(['When are you open?']);
    expect((await kb.list(workspace, client, ['en'], {}, { limit: 2, after: 'x' })).items).to.deep.equal([]);
    expect((await kb.list('2', client, ['en'], {}, { limit: 20 })).items).to.deep.equal([]);
  });

  it('lists categories of knowledge records with their validated records, and narrows to one', async function () {
    expect(await kb.categories(workspace, client, ['en'])).to.deep.equal([{ id: String(billing), name: 'Billing', articles: 1 }]);
    expect(await kb.categories(workspace, client, ['fr']), 'a French reader sees no record of it').to.deep.equal([]);
    const inBilling = await kb.list(workspace, client, ['en'], { categoryId: String(billing) }, { limit: 20 });
    expect(inBilling.items.map((a) => a.id)).to.deep.equal([String(ids.pay)]);
  });

  it('searches question and answer text in any case, never the markup; suggests by words matched', async function () {
    const titles = async (words: string[]) =>
      (await kb.list(workspace, client, ['en'], { words }, { limit: 20 })).items.map((a) => a.title);
    expect(await titles(['iban'])).to.deep.equal(['How do I pay by bank transfer?']);
    expect(await titles(['MONDAY'])).to.deep.equal(['When are you open?']);
    expect(await titles(['strong'])).to.deep.equal([]);
    expect(await titles(['50%'])).to.deep.equal([]);
    const suggested = await kb.suggest(workspace, client, ['en'], ['open', 'invoice', 'transfer'], 5);
    expect(suggested.map((a) => a.title)).to.deep.equal(['How do I pay by bank transfer?', 'When are you open?']);
  });

  it('reads a record’s answer as text blocks, and nothing not validated or of another entity', async function () {
    const article = await kb.find(workspace, client, ['en'], String(ids.pay));
    expect(article!.body).to.deep.equal([
      { kind: 'paragraph', text: 'Use the IBAN on the invoice & its number.' },
      { kind: 'numbered', text: 'Open the invoice' },
      { kind: 'numbered', text: 'Transfer' },
      { kind: 'heading', text: 'Fees' },
      { kind: 'bullet', text: 'None' },
    ]);
    for (const id of [ids.draft, ids.obsolete, ids.other, 999999])
      expect(await kb.find(workspace, client, ['en'], String(id))).to.equal(null);
    expect(await kb.find(workspace, client, ['en'], 'not-an-id')).to.equal(null);
  });

  it('gives the titles of many records in one read, drafts and obsolete ones too, never another entity’s', async function () {
    const asked = [ids.pay, ids.draft, ids.obsolete, ids.other, 999999].map(String);
    const titles = await kb.titles!(workspace, [...asked, 'not-an-id']);
    expect(Object.fromEntries(titles)).to.deep.equal({
      [String(ids.pay)]: 'How do I pay by bank transfer?',
      [String(ids.draft)]: 'Draft question',
      [String(ids.obsolete)]: 'Old fax number',
    });
    expect((await kb.titles!(workspace, [])).size).to.equal(0);
    expect((await kb.titles!('999', asked)).size).to.equal(0);
  });
});
