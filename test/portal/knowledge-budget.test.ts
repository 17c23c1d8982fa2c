// Round trips per request for the knowledge base: the list (all topics, one topic, a search), an
// article's page and the new-ticket form's suggestions, counted as knex query events on the app's
// connection, first with the seed, then with many more categories, articles and translations.
// The count must not grow with the data, and stays under a budget.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('knowledge base query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let articleUrl: string;
  let categoryUrl: string;
  let trips: RoundTripCounter;
  // The session with its client user and contact are the fixed cost of every page (2 here); then
  // the list reads the topics and a page of articles, an article and suggestions one read each; an
  // article reads the person's "Was this helpful?" answer beside it.
  const budgets = (): Record<string, number> => ({
    '/portal/demo/knowledge': 4,
    [categoryUrl]: 4,
    '/portal/demo/knowledge?q=invoice': 4,
    [articleUrl]: 4,
    '/portal/demo/knowledge/suggestions?subject=pay%20my%20invoice%20by%20transfer': 3,
  });

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    agent = await signedInDemoClient(h, 'maria@northwind.test');
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const article = await h.crm
      .db('kb_articles')
      .where({ workspace_id: workspace.id, title: 'Reset your password' })
      .first('id', 'category_id');
    articleUrl = `/portal/demo/knowledge/${article.id}`;
    categoryUrl = `/portal/demo/knowledge?category=${article.category_id}`;
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the number of categories, articles and translations', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets())) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    for (let i = 0; i < 10; i++) {
      const [category] = await db('kb_categories')
        .insert({ workspace_id: workspace.id, names: JSON.stringify({ en: `Topic ${i}`, de: `Thema ${i}` }), position: 10 + i })
        .returning('id');
      for (let j = 0; j < 4; j++) {
        const [english] = await db('kb_articles')
          .insert({
            workspace_id: workspace.id,
            category_id: category.id,
            audience: 'client',
            status: 'published',
            language: 'en',
            title: `Invoice question ${i}.${j}`,
            body: `How to read invoice ${i}.${j}, and pay it by transfer.`,
          })
          .returning(['id', 'translation_group']);
        await db('kb_articles').insert({
          workspace_id: workspace.id,
          category_id: category.id,
          audience: 'client',
          status: 'published',
          language: 'de',
          translation_group: english.translation_group,
          title: `Rechnungsfrage ${i}.${j}`,
          body: `Rechnung ${i}.${j} lesen und per Überweisung bezahlen.`,
        });
      }
    }
    // Many people's answers on the article: the page reads only the reader's.
    await db('portal_knowledge_votes').insert(
      Array.from({ length: 200 }, (_, i) => ({
        workspace_id: String(workspace.id),
        article_id: articleUrl.split('/').pop(),
        client_user_id: randomUUID(),
        helpful: i % 3 !== 0,
      })),
    );
    for (const [url, budget] of Object.entries(budgets())) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });
});
