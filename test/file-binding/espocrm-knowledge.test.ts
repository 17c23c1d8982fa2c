// EspoCRM's help articles served from bindings/espocrm.yaml on EspoCRM's real schema
// (test/fixtures/real-schemas/espocrm.sql), seeded as EspoCRM stores them: an account, its contact
// with a primary email address, articles with their status, language, expiry, categories (many to
// many) and portals. A contact invited by the portal sets the portal's own password, signs in and
// reads the Help section: published articles linked to a portal only (never a draft, an expired,
// an unlinked, a deleted or another language's one), one opened with its HTML body read as text
// (its <script> never reaches the page), a search by a word, categories with their counts. With
// the portal's id in the file, another portal's article is hidden; with `from`, one whose publish
// date is to come; with `client`, one kept as another client's. An EspoCRM administrator signed in
// reads the agency's feedback page, which names articles through `titles`, whatever their state. A file without the section has no Help
// section, and the settings page and the check say why. Each port call sends one statement,
// whatever the number of articles.
import bcrypt from 'bcryptjs';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createFileBinding } from '../../plugins/file-binding/adapter.ts';
import { checkBindingFile } from '../../plugins/file-binding/check.ts';
import { bindingFileSchema } from '../../plugins/file-binding/format.ts';
import { readBindingFile } from '../../plugins/file-binding/load.ts';
import { inviteContact } from '../../plugins/standalone/invite.ts';
import { switchesNotInHost } from '../../src/features/admin/presenters.ts';
import { countQueries } from '../support/query-counter.ts';
import { csrfFrom, postPasswordSignIn } from '../support/portal-harness.ts';
import { acceptInvitation } from '../support/test-host.ts';
import { realSchemaUnavailable } from './real-schema.ts';
import {
  bindingFromFile,
  invitationTo,
  type SeededCrm,
  seededCrm,
  type ServedBindingFile,
  serveBindingFile,
} from './serve-binding-file.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FILE = path.join(ROOT, 'bindings/espocrm.yaml');
const SLUG = 'espocrm';
const reason = realSchemaUnavailable();

const STAFF_PASSWORD = 'ada-admin-2026';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** EspoCRM's rows: an account, its contact and their primary email, two portals, categories and articles. */
async function seedEspo(db: Knex) {
  await db('account').insert([
    { id: 'acc000000000bars1', name: 'Bars Bakery', deleted: false },
    { id: 'acc000000000other', name: 'Other Ltd', deleted: false },
  ]);
  await db('contact').insert({
    id: 'con00000000claire',
    first_name: 'Claire',
    last_name: 'Baker',
    account_id: 'acc000000000bars1',
    deleted: false,
  });
  await db('email_address').insert({ id: 'ema00000000claire', name: 'claire@bars.test', lower: 'claire@bars.test', deleted: false });
  await db('entity_email_address').insert({
    entity_id: 'con00000000claire',
    email_address_id: 'ema00000000claire',
    entity_type: 'Contact',
    primary: true,
    deleted: false,
  });
  // An EspoCRM administrator, with the bcrypt hash PHP's password_hash makes.
  await db('user').insert({
    id: 'usr000000000admin',
    user_name: 'admin',
    first_name: 'Ada',
    last_name: 'Admin',
    type: 'admin',
    is_active: true,
    deleted: false,
    password: bcrypt.hashSync(STAFF_PASSWORD, 4).replace(/^\$2[ab]\$/, '$2y$'),
  });
  await db('email_address').insert({ id: 'ema000000000admin', name: 'ada@agency.test', lower: 'ada@agency.test', deleted: false });
  await db('entity_email_address').insert({
    entity_id: 'usr000000000admin',
    email_address_id: 'ema000000000admin',
    entity_type: 'User',
    primary: true,
    deleted: false,
  });
  await db('portal').insert([
    { id: 'por000000000main1', name: 'Customer portal', is_active: true, deleted: false },
    { id: 'por0000000000part', name: 'Partner portal', is_active: true, deleted: false },
  ]);
  await db('knowledge_base_category').insert([
    { id: 'cat00000000billng', name: 'Billing', order: 1, deleted: false },
    { id: 'cat0000000general', name: 'General', order: 2, deleted: false },
    { id: 'cat000000000empty', name: 'Empty category', order: 3, deleted: false },
  ]);
  const article = (id: string, name: string, fields: Record<string, unknown> = {}) => ({
    id,
    name,
    status: 'Published',
    language: 'en_US',
    type: 'Article',
    deleted: false,
    body: `<p>${name}.</p>`,
    body_plain: `${name}.`,
    modified_at: new Date('2026-11-01T10:00:00Z'),
    ...fields,
  });
  await db('knowledge_base_article').insert([
    article('kba0000000000pay1', 'How do I pay an invoice?', {
      body: '<p>Use the <strong>IBAN</strong> on the invoice &amp; its number.</p><script>alert("espo")</script><ol><li>Open the invoice</li><li>Transfer</li></ol>',
      body_plain: 'Use the IBAN on the invoice & its number. Open the invoice Transfer',
      expiration_date: day(30),
    }),
    article('kba00000000hours1', 'Opening hours', {
      language: null,
      body: '<p>Monday to Friday, nine to five.</p>',
      body_plain: 'Monday to Friday, nine to five.',
    }),
    article('kba000000000later', 'New prices from next month', { publish_date: day(10) }),
    article('kba00000000draft1', 'Draft: holiday closing', { status: 'Draft' }),
    article('kba0000000review1', 'In review: refunds', { status: 'In Review' }),
    article('kba00000000expird', 'Old prices', { expiration_date: day(0) }),
    article('kba00000000nolink', 'Internal: dunning steps'),
    article('kba000000000gone1', 'Removed article', { deleted: true }),
    article('kba00000000german', 'Rechnung bezahlen', { language: 'de_DE' }),
    article('kba00000000partnr', 'Partner price list'),
  ]);
  const linked = ['kba0000000000pay1', 'kba00000000hours1', 'kba000000000later', 'kba00000000draft1', 'kba0000000review1'];
  await db('knowledge_base_article_portal').insert([
    ...[...linked, 'kba00000000expird', 'kba000000000gone1', 'kba00000000german'].map((id) => ({
      knowledge_base_article_id: id,
      portal_id: 'por000000000main1',
      deleted: false,
    })),
    // Unlinked from the main portal (EspoCRM keeps the row, deleted).
    { knowledge_base_article_id: 'kba00000000nolink', portal_id: 'por000000000main1', deleted: true },
    { knowledge_base_article_id: 'kba00000000partnr', portal_id: 'por0000000000part', deleted: false },
  ]);
  await db('knowledge_base_article_knowledge_base_category').insert([
    { knowledge_base_article_id: 'kba0000000000pay1', knowledge_base_category_id: 'cat00000000billng', deleted: false },
    { knowledge_base_article_id: 'kba0000000000pay1', knowledge_base_category_id: 'cat0000000general', deleted: false },
    { knowledge_base_article_id: 'kba00000000hours1', knowledge_base_category_id: 'cat0000000general', deleted: false },
    { knowledge_base_article_id: 'kba00000000draft1', knowledge_base_category_id: 'cat000000000empty', deleted: false },
    { knowledge_base_article_id: 'kba00000000hours1', knowledge_base_category_id: 'cat00000000billng', deleted: true },
  ]);
}

describe('binding file: EspoCRM help articles on its real schema', function () {
  this.timeout(180_000);
  let crm: SeededCrm;
  let db: Knex;
  let served: ServedBindingFile | undefined;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) here: EspoCRM's schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm({ schema: 'espocrm.sql', seed: seedEspo }, { mail: true });
    db = crm.db;
  });
  after(async function () {
    await served?.close();
    await crm?.close();
  });

  it('serves the Help section to a contact who set the portal password: published articles only, read as text', async function () {
    served = await serveBindingFile(crm, { file: FILE, slug: SLUG });
    expect(await inviteContact(served.running, { email: 'claire@bars.test' })).to.match(
      /^Invited Claire Baker <claire@bars\.test> of Bars Bakery/,
    );
    const { app } = served;
    const password = 'claire-reads-help';
    await acceptInvitation(app, await invitationTo(crm, 'claire@bars.test'), password);
    const claire = request.agent(app);
    expect((await postPasswordSignIn(claire, SLUG, { email: 'claire@bars.test', password })).status).to.equal(303);

    const home = await claire.get(`/portal/${SLUG}`).expect(200);
    expect(home.text).to.contain(`href="/portal/${SLUG}/knowledge"`);
    const help = await claire.get(`/portal/${SLUG}/knowledge`).expect(200);
    for (const shown of ['How do I pay an invoice?', 'Opening hours', 'New prices from next month', 'Partner price list'])
      expect(help.text).to.contain(shown);
    for (const hidden of ['holiday closing', 'refunds', 'Old prices', 'dunning', 'Removed article', 'Rechnung'])
      expect(help.text).not.to.contain(hidden);
    // Categories holding a shown article, in EspoCRM's order, each article counted once.
    expect(help.text).to.contain('Billing').and.to.contain('General').and.not.to.contain('Empty category');
    expect(help.text.indexOf('Billing')).to.be.lessThan(help.text.indexOf('General'));

    const article = await claire.get(`/portal/${SLUG}/knowledge/kba0000000000pay1`).expect(200);
    expect(article.text).to.contain('Use the IBAN on the invoice &amp; its number.').and.to.contain('Open the invoice');
    expect(article.text).not.to.contain('alert(').and.not.to.contain('<strong>IBAN');
    for (const hidden of ['kba00000000draft1', 'kba00000000expird', 'kba00000000nolink', 'kba000000000gone1', 'kba000000000nope', 'x'])
      await claire.get(`/portal/${SLUG}/knowledge/${hidden}`).expect(404);

    const found = await claire.get(`/portal/${SLUG}/knowledge?q=friday`).expect(200);
    expect(found.text).to.contain('Opening hours').and.not.to.contain('How do I pay an invoice?');
    const billing = await claire.get(`/portal/${SLUG}/knowledge?category=cat00000000billng`).expect(200);
    expect(billing.text).to.contain('How do I pay an invoice?').and.not.to.contain('Opening hours');
    const suggested = await claire
      .get(`/portal/${SLUG}/knowledge/suggestions?subject=${encodeURIComponent('invoice payment')}`)
      .expect(200);
    expect(suggested.text).to.contain('How do I pay an invoice?');

    // Claire answers "Was this helpful?" on two articles; then EspoCRM takes one back to a draft
    // and deletes the other. The agency's page names the first by its title (through `titles`,
    // whatever its state) and says the second was removed.
    for (const id of ['kba0000000000pay1', 'kba00000000hours1']) {
      const page = await claire.get(`/portal/${SLUG}/knowledge/${id}`).expect(200);
      await claire
        .post(`/portal/${SLUG}/knowledge/${id}/helpful`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), helpful: 'yes' })
        .expect(303);
    }
    await db('knowledge_base_article').where({ id: 'kba0000000000pay1' }).update({ status: 'Draft' });
    await db('knowledge_base_article').where({ id: 'kba00000000hours1' }).update({ deleted: true });
    try {
      const ada = request.agent(app);
      const signIn = await ada.get('/staff/sign-in').expect(200);
      await ada
        .post('/staff/sign-in')
        .type('form')
        .send({ _csrf: csrfFrom(signIn.text), login: 'ada@agency.test', password: STAFF_PASSWORD })
        .expect(303);
      const feedback = await ada.get('/staff/portal/help-feedback').expect(200);
      expect(feedback.text).to.contain('How do I pay an invoice?').and.to.contain('(removed article)');
      expect(feedback.text).not.to.contain('Opening hours');
    } finally {
      // The other tests read the articles as seeded.
      await db('knowledge_base_article').where({ id: 'kba0000000000pay1' }).update({ status: 'Published' });
      await db('knowledge_base_article').where({ id: 'kba00000000hours1' }).update({ deleted: false });
    }
  });

  it("keeps to the reader's language, pages by title, and hides another portal's articles when the file names its portal", async function () {
    const file = readBindingFile(FILE);
    const binding = await createFileBinding(db, file, { name: 'espocrm' });
    const kb = binding.adapter.knowledgeBase!;
    const titles = async (languages: string[]) =>
      (await kb.list('espocrm', 'acc000000000bars1', languages, {}, { limit: 20 })).items.map((item) => item.title);
    expect(await titles(['de', 'en'])).to.deep.equal(['Opening hours', 'Rechnung bezahlen']);
    expect(await titles(['fr'])).to.have.length(5);
    const first = await kb.list('espocrm', 'acc000000000bars1', ['en'], {}, { limit: 2 });
    const second = await kb.list('espocrm', 'acc000000000bars1', ['en'], {}, { limit: 2, after: first.next });
    expect([...first.items, ...second.items].map((item) => item.title)).to.deep.equal([
      'How do I pay an invoice?',
      'New prices from next month',
      'Opening hours',
      'Partner price list',
    ]);
    expect(second.next).to.equal(null);
    expect(await kb.list('espocrm', 'acc000000000bars1', ['en'], {}, { limit: 2, after: 'not-a-cursor' })).to.deep.equal({
      items: [],
      next: null,
    });
    expect(await kb.categories('espocrm', 'acc000000000bars1', ['en'])).to.deep.equal([
      { id: 'cat00000000billng', name: 'Billing', articles: 1 },
      { id: 'cat0000000general', name: 'General', articles: 2 },
    ]);
    expect((await kb.find('espocrm', 'acc000000000bars1', ['en'], 'kba0000000000pay1'))?.category).to.deep.equal({
      id: 'cat00000000billng',
      name: 'Billing',
    });
    expect(await kb.list('other-workspace', 'acc000000000bars1', ['en'], {}, { limit: 20 })).to.deep.equal({ items: [], next: null });

    const onePortal = bindingFileSchema.parse({
      ...file,
      knowledgeBase: {
        ...file.knowledgeBase!,
        shownWith: { ...file.knowledgeBase!.shownWith!, where: { deleted: false, portal_id: 'por000000000main1' } },
      },
    });
    const main = (await createFileBinding(db, onePortal, { name: 'espocrm' })).adapter.knowledgeBase!;
    const mainTitles = (await main.list('espocrm', 'acc000000000bars1', ['en'], {}, { limit: 20 })).items.map((item) => item.title);
    expect(mainTitles).to.include('Opening hours').and.not.to.include('Partner price list');
    expect(await main.find('espocrm', 'acc000000000bars1', ['en'], 'kba00000000partnr')).to.equal(null);
  });

  it("holds an article back before its first day, and keeps a client's articles to it, where the file says so", async function () {
    const file = readBindingFile(FILE);
    const kb = async (knowledgeBase: Record<string, unknown>) =>
      (
        await createFileBinding(db, bindingFileSchema.parse({ ...file, knowledgeBase: { ...file.knowledgeBase!, ...knowledgeBase } }), {
          name: 'espocrm',
        })
      ).adapter.knowledgeBase!;
    const titles = async (port: Awaited<ReturnType<typeof kb>>, client: string) =>
      (await port.list('espocrm', client, ['en'], {}, { limit: 20 })).items.map((item) => item.title);
    // EspoCRM's portal shows an article with a publish date to come; a file may hold it back.
    expect(await titles(await kb({}), 'acc000000000bars1')).to.include('New prices from next month');
    const dated = await kb({ from: 'publish_date' });
    expect(await titles(dated, 'acc000000000bars1'))
      .to.include('Opening hours')
      .and.not.to.include('New prices from next month');
    // Every article kept as one client's (a constant stands for a CRM's client column): no other client reads it.
    const theirs = await kb({ client: { constant: 'acc000000000bars1' } });
    expect(await titles(theirs, 'acc000000000bars1')).to.have.length(4);
    expect(await titles(theirs, 'acc000000000other')).to.deep.equal([]);
    expect(await theirs.find('espocrm', 'acc000000000other', ['en'], 'kba0000000000pay1')).to.equal(null);
  });

  it("names articles on the agency's feedback page whatever their state, never one EspoCRM removed", async function () {
    const kb = (await bindingFromFile(db, FILE)).adapter.knowledgeBase!;
    const titles = await kb.titles!('espocrm', ['kba0000000000pay1', 'kba00000000draft1', 'kba000000000gone1', 'kba-none', '']);
    expect(Object.fromEntries(titles)).to.deep.equal({
      kba0000000000pay1: 'How do I pay an invoice?',
      kba00000000draft1: 'Draft: holiday closing',
    });
    expect((await kb.titles!('another', ['kba0000000000pay1'])).size).to.equal(0);
  });

  it('sends one statement per call, for a few articles as for 2,000', async function () {
    const kb = (await bindingFromFile(db, FILE)).adapter.knowledgeBase!;
    const counter = countQueries();
    try {
      const costs = async () => {
        const count = async (call: () => Promise<unknown>) => (await counter.measure(call)).count;
        const first = await kb.list('espocrm', 'acc000000000bars1', ['en'], {}, { limit: 20 });
        return {
          categories: await count(() => kb.categories('espocrm', 'acc000000000bars1', ['en'])),
          list: await count(() => kb.list('espocrm', 'acc000000000bars1', ['en'], { words: ['invoice'] }, { limit: 20 })),
          nextPage: await count(() => kb.list('espocrm', 'acc000000000bars1', ['en'], {}, { limit: 20, after: first.next ?? undefined })),
          find: await count(() => kb.find('espocrm', 'acc000000000bars1', ['en'], 'kba0000000000pay1')),
          suggest: await count(() => kb.suggest('espocrm', 'acc000000000bars1', ['en'], ['invoice', 'hours'], 5)),
          titles: await count(() => kb.titles!('espocrm', ['kba0000000000pay1', 'kba00000000hours1'])),
        };
      };
      const few = await costs();
      expect(Object.values(few).every((n) => n <= 1)).to.equal(true, JSON.stringify(few));
      await db.raw(
        `insert into knowledge_base_article (id, name, status, language, deleted, body, body_plain)
         select 'kbabulk' || lpad(n::text, 10, '0'), 'Bulk article ' || n, 'Published', 'en_US', false, '<p>Invoice help ' || n || '</p>', 'Invoice help ' || n
         from generate_series(1, 2000) n`,
      );
      await db.raw(
        `insert into knowledge_base_article_portal (knowledge_base_article_id, portal_id, deleted)
         select 'kbabulk' || lpad(n::text, 10, '0'), 'por000000000main1', false from generate_series(1, 2000) n`,
      );
      const many = await costs();
      expect(many).to.deep.equal(few);
      expect((await kb.list('espocrm', 'acc000000000bars1', ['en'], {}, { limit: 20 })).next).not.to.equal(null);
    } finally {
      counter.stop();
      await db('knowledge_base_article_portal').where('knowledge_base_article_id', 'like', 'kbabulk%').delete();
      await db('knowledge_base_article').where('id', 'like', 'kbabulk%').delete();
    }
  });

  it('has no Help section without the section in the file, and the settings page and the check say so', async function () {
    const text = readFileSync(FILE, 'utf8');
    const folder = mkdtempSync(path.join(tmpdir(), 'binding-'));
    const withoutFile = path.join(folder, 'espocrm-without-help.yaml');
    writeFileSync(withoutFile, text.slice(0, text.indexOf('\n# Help articles')));
    try {
      const bare = await bindingFromFile(db, withoutFile);
      expect(bare.adapter.knowledgeBase).to.equal(undefined);
      expect([...switchesNotInHost(bare.adapter)]).to.include('showKnowledgeBase');
      const off = await checkBindingFile(db, withoutFile);
      expect(off.lines.join('\n'))
        .to.match(/Not mapped, so off in the portal: .*knowledgeBase/)
        .and.not.to.contain('help articles');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const mapped = await bindingFromFile(db, FILE);
    expect([...switchesNotInHost(mapped.adapter)]).not.to.include('showKnowledgeBase');
    const report = await checkBindingFile(db, FILE);
    expect(report.problems).to.deep.equal([]);
    const lines = report.lines.join('\n');
    expect(lines).to.contain('help articles: 5 in Billing (1), General (2)');
    expect(lines)
      .to.match(/Not mapped, so off in the portal: /)
      .and.not.to.match(/Not mapped.*knowledgeBase/);
  });
});
