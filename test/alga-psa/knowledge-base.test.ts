// Covers KnowledgeBasePort on Alga PSA's real schema, as Alga's own client portal shows its
// knowledge base (client-portal-actions/client-kb.ts): the tenant's kb_articles with status
// 'published' and audience 'client' or 'public', never a draft, an internal article or another
// tenant's; titled by their document's name, bodies read from document_block_content's BlockNote
// JSON into text blocks (markup never comes through); categories from standard_categories that
// hold such an article, in display order; a search of title, slug and body text in any case,
// pages by title; suggestions by the words matched; an article found by its id or its slug.
// Reading one counts a view as Alga's getClientKBArticle does: the row after is, column by
// column, the row before with view_count one higher, and nothing else changed. For the agency's page
// of answers, the titles of many articles in one read: any status or audience, never another tenant's.
import { expect } from 'chai';
import type { KnowledgeBasePort } from '../../src/features/knowledge-base/port.ts';
import { useAlgaHost } from './alga-host.ts';

type Row = Record<string, unknown>;

const paragraph = (text: string) => ({
  id: text.slice(0, 8),
  type: 'paragraph',
  props: { textColor: 'default', backgroundColor: 'default', textAlignment: 'left' },
  content: [{ type: 'text', text, styles: {} }],
  children: [],
});

describe('alga-psa binding: knowledge base', function () {
  const started = useAlgaHost();
  let kb: KnowledgeBasePort;
  let tenant: string;
  let bakery: string;
  const ids = {} as Record<'vpn' | 'printer' | 'public' | 'draft' | 'internal' | 'other', string>;
  const categories = {} as Record<'network' | 'hardware' | 'empty', string>;

  before(async function () {
    const { host } = started;
    const { db, seed } = host;
    kb = host.adapter().knowledgeBase as KnowledgeBasePort;
    tenant = seed.tenant;
    bakery = seed.clients.bakery;
    const category = async (category_name: string, display_order: number) =>
      String((await db('standard_categories').insert({ category_name, display_order }).returning('id'))[0].id);
    categories.hardware = await category('Hardware', 2);
    categories.network = await category('Network', 1);
    categories.empty = await category('Only drafts', 3);
    let order = 100;
    const article = async (
      t: string,
      user: string,
      title: string,
      fields: { slug: string; audience: string; status: string; category: string | null; blocks: unknown },
    ) => {
      order += 1;
      const [doc] = await db('documents')
        .insert({ tenant: t, document_name: title, user_id: user, created_by: user, order_number: order })
        .returning('document_id');
      const document_id = (doc as Row).document_id;
      await db('document_block_content').insert({ tenant: t, document_id, block_data: JSON.stringify(fields.blocks) });
      const [row] = await db('kb_articles')
        .insert({
          tenant: t,
          document_id,
          slug: fields.slug,
          audience: fields.audience,
          status: fields.status,
          category_id: fields.category,
          published_at: fields.status === 'published' ? '2026-03-01T10:00:00Z' : null,
        })
        .returning('article_id');
      return String((row as Row).article_id);
    };
    const admin = seed.users.admin;
    ids.vpn = await article(tenant, admin, 'Connecting to the office VPN', {
      slug: 'office-vpn',
      audience: 'client',
      status: 'published',
      category: categories.network,
      blocks: [
        { ...paragraph('Install the client, then sign in with your email.'), type: 'paragraph' },
        { ...paragraph('Before you start'), type: 'heading', props: { level: 2 } },
        { ...paragraph('Your laptop <b>must</b> be on Wi-Fi'), type: 'bulletListItem' },
        { ...paragraph('Open the VPN app'), type: 'numberedListItem', children: [paragraph('It asks for a code')] },
      ],
    });
    ids.printer = await article(tenant, admin, 'Adding the printer', {
      slug: 'printer',
      audience: 'client',
      status: 'published',
      category: categories.hardware,
      blocks: [paragraph('Choose Add printer and pick Floor 2. Then print a test page.')],
    });
    ids.public = await article(tenant, admin, 'Our support hours', {
      slug: 'support-hours',
      audience: 'public',
      status: 'published',
      category: null,
      blocks: [paragraph('Monday to Friday, 8 to 6.')],
    });
    ids.draft = await article(tenant, admin, 'VPN on phones (draft)', {
      slug: 'vpn-phones',
      audience: 'client',
      status: 'draft',
      category: categories.empty,
      blocks: [paragraph('Not ready.')],
    });
    ids.internal = await article(tenant, admin, 'Resetting the VPN server', {
      slug: 'vpn-server',
      audience: 'internal',
      status: 'published',
      category: categories.network,
      blocks: [paragraph('Staff only.')],
    });
    ids.other = await article(seed.otherTenant, seed.users.otherAdmin, 'Contoso VPN guide', {
      slug: 'office-vpn',
      audience: 'client',
      status: 'published',
      category: categories.network,
      blocks: [paragraph('Another tenant.')],
    });
  });

  it('lists the published client and public articles by title, never a draft, internal or another tenant’s', async function () {
    const page = await kb.list(tenant, bakery, ['en'], {}, { limit: 20 });
    expect(page.items.map((a) => a.title)).to.deep.equal(['Adding the printer', 'Connecting to the office VPN', 'Our support hours']);
    const vpn = page.items[1]!;
    expect(vpn).to.include({ id: ids.vpn, language: null });
    expect(vpn.category).to.deep.equal({ id: categories.network, name: 'Network' });
    expect(vpn.excerpt).to.equal(
      'Install the client, then sign in with your email. Your laptop <b>must</b> be on Wi-Fi · Open the VPN app · It asks for a code',
    );
    const first = await kb.list(tenant, bakery, ['en'], {}, { limit: 2 });
    expect(first.items.map((a) => a.title)).to.deep.equal(['Adding the printer', 'Connecting to the office VPN']);
    const second = await kb.list(tenant, bakery, ['en'], {}, { limit: 2, after: first.next });
    expect(second.items.map((a) => a.title)).to.deep.equal(['Our support hours']);
    expect(second.next).to.equal(null);
    expect((await kb.list(tenant, bakery, ['en'], {}, { limit: 2, after: 'bogus!' })).items).to.deep.equal([]);
    expect((await kb.list(tenant, 'not-a-uuid', ['en'], {}, { limit: 20 })).items).to.deep.equal([]);
  });

  it('lists the categories holding a client article, in display order, and narrows to one', async function () {
    const found = await kb.categories(tenant, bakery, ['en']);
    expect(found.filter((c) => Object.values(categories).includes(c.id))).to.deep.equal([
      { id: categories.network, name: 'Network', articles: 1 },
      { id: categories.hardware, name: 'Hardware', articles: 1 },
    ]);
    const network = await kb.list(tenant, bakery, ['en'], { categoryId: categories.network }, { limit: 20 });
    expect(network.items.map((a) => a.id)).to.deep.equal([ids.vpn]);
  });

  it('searches the title, slug and body text in any case, every word; a JSON key is no word of the body', async function () {
    const titles = async (words: string[]) => (await kb.list(tenant, bakery, ['en'], { words }, { limit: 20 })).items.map((a) => a.title);
    expect(await titles(['PRINTER'])).to.deep.equal(['Adding the printer']);
    expect(await titles(['floor', 'test'])).to.deep.equal(['Adding the printer']);
    expect(await titles(['support-hours'])).to.deep.equal(['Our support hours']);
    expect(await titles(['code'])).to.deep.equal(['Connecting to the office VPN']);
    expect(await titles(['paragraph'])).to.deep.equal([]);
    expect(await titles(['100%'])).to.deep.equal([]);
    expect(await titles(['staff'])).to.deep.equal([]);
  });

  it('suggests by the words matched, the most first, at most the limit', async function () {
    const suggested = await kb.suggest(tenant, bakery, ['en'], ['vpn', 'laptop', 'printer'], 5);
    expect(suggested.map((a) => a.title)).to.deep.equal(['Connecting to the office VPN', 'Adding the printer']);
    expect(await kb.suggest(tenant, bakery, ['en'], ['vpn', 'printer'], 1)).to.have.length(1);
    expect(await kb.suggest(tenant, bakery, ['en'], [], 5)).to.deep.equal([]);
  });

  it('reads an article by id or slug as text blocks, and nothing unpublished, internal or another tenant’s', async function () {
    const article = await kb.find(tenant, bakery, ['en'], ids.vpn);
    expect(article!.body).to.deep.equal([
      { kind: 'paragraph', text: 'Install the client, then sign in with your email.' },
      { kind: 'heading', text: 'Before you start' },
      { kind: 'bullet', text: 'Your laptop <b>must</b> be on Wi-Fi' },
      { kind: 'numbered', text: 'Open the VPN app' },
      { kind: 'paragraph', text: 'It asks for a code' },
    ]);
    expect((await kb.find(tenant, bakery, ['en'], 'printer'))?.id).to.equal(ids.printer);
    for (const id of [ids.draft, ids.internal, ids.other, 'vpn-phones', 'no-such-slug', 'x'.repeat(300)])
      expect(await kb.find(tenant, bakery, ['en'], id), id).to.equal(null);
    expect(await kb.find(started.host.seed.otherTenant, bakery, ['en'], ids.vpn)).to.equal(null);
  });

  it('gives the titles of many articles in one read, drafts and internal ones too, never another tenant’s', async function () {
    const titles = await kb.titles!(tenant, [
      ids.vpn,
      ids.draft,
      ids.internal,
      ids.other,
      '00000000-0000-4000-8000-000000000000',
      'printer',
    ]);
    expect(Object.fromEntries(titles)).to.deep.equal({
      [ids.vpn]: 'Connecting to the office VPN',
      [ids.draft]: 'VPN on phones (draft)',
      [ids.internal]: 'Resetting the VPN server',
    });
    expect((await kb.titles!(started.host.seed.otherTenant, [ids.vpn])).size).to.equal(0);
  });

  it('counts a view as Alga does: only view_count changes, by one', async function () {
    const { db } = started.host;
    const row = () => db('kb_articles').where({ tenant, article_id: ids.printer }).first();
    const before = (await row()) as Row;
    await kb.find(tenant, bakery, ['en'], ids.printer);
    const after = (await row()) as Row;
    // What getClientKBArticle writes: trx('kb_articles').where({ tenant, article_id }).increment('view_count', 1).
    expect(after).to.deep.equal({ ...before, view_count: (before.view_count as number) + 1 });
    const other = (await db('kb_articles').where({ tenant, article_id: ids.vpn }).first('view_count')) as Row;
    await kb.find(tenant, bakery, ['en'], ids.draft);
    expect(((await db('kb_articles').where({ tenant, article_id: ids.vpn }).first('view_count')) as Row).view_count).to.equal(
      other.view_count,
    );
  });
});
