// The knowledge base: articles staff write for clients (or for themselves), in categories, each
// in one language and tied to its other languages by a translation group, so a German reader
// gets the German text of an article that also exists in English.
//
// Bodies are markdown as staff type it; the binding turns them into text blocks, so no markup
// from this table ever reaches a page. Search reads a stored tsvector of title and body under a
// GIN index: 'simple' rather than a language's configuration, because one workspace keeps English
// and German side by side and a reader's words are matched as written (any case), not stemmed by
// a language the article may not be in.
//
// Keys start with workspace_id like every workspace table, so on Citus a workspace's categories
// and articles share a node and a row can only name a category of its own workspace.
import type { Knex } from 'knex';

export const KB_AUDIENCES = ['client', 'internal'] as const;
export const KB_STATUSES = ['draft', 'published'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('kb_categories', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.jsonb('names').notNullable().comment('The category name by language, e.g. {"en": "Billing", "de": "Abrechnung"}.');
    t.integer('position').notNullable().defaultTo(0).comment('Its place among the workspace’s categories.');
    t.primary(['workspace_id', 'id']);
    t.foreign('workspace_id').references('workspaces.id').onDelete('CASCADE');
  });
  await knex.raw("alter table kb_categories add constraint kb_categories_names_object check (jsonb_typeof(names) = 'object')");

  await knex.schema.createTable('kb_articles', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('category_id');
    t.enu('audience', KB_AUDIENCES).notNullable().defaultTo('client').comment('client: shown in the portal; internal: staff only.');
    t.enu('status', KB_STATUSES).notNullable().defaultTo('draft');
    t.string('language', 8).notNullable().comment('A language code, e.g. en or de.');
    t.uuid('translation_group')
      .notNullable()
      .defaultTo(knex.raw('gen_random_uuid()'))
      .comment('Shared by the translations of one article.');
    t.string('title', 300).notNullable();
    t.text('body').notNullable().defaultTo('').comment('Markdown: headings, paragraphs, lists, quotes and code, read as text.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'translation_group', 'language']);
    t.foreign(['workspace_id', 'category_id']).references(['workspace_id', 'id']).inTable('kb_categories');
    t.foreign('workspace_id').references('workspaces.id').onDelete('CASCADE');
  });
  await knex.raw(
    `alter table kb_articles add column search tsvector generated always as
       (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) stored`,
  );
  await knex.raw('create index kb_articles_search_idx on kb_articles using gin (search)');
  // What clients may read, by title: the list's order, read from the index.
  await knex.raw(
    "create index kb_articles_published_idx on kb_articles (workspace_id, title, id) where audience = 'client' and status = 'published'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('kb_articles');
  await knex.schema.dropTable('kb_categories');
}
