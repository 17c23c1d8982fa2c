// readTogether and togetherTemplate (plugins/reference-crm/queries/read-together.ts): several
// reads in one statement, lists as JSON arrays in their own order, one-row reads as objects,
// timestamps back as Dates; the template builds its statement once per shape and then only fills
// in values, and falls back to building every time when a build does not keep to values.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { readTogether, togetherTemplate, type TogetherRead } from '../../plugins/reference-crm/queries/read-together.ts';
import { startCrm, type CrmTestContext } from './support.ts';

describe('reference CRM: reads in one statement', function () {
  let crm: CrmTestContext;
  let db: Knex;
  let workspaces: Array<{ id: number; slug: string; created_at: Date }>;

  before(async function () {
    crm = await startCrm();
    db = crm.db;
    workspaces = await db('workspaces').orderBy('id').select('id', 'slug', 'created_at');
    expect(workspaces.length).to.be.greaterThan(1);
  });
  after(async function () {
    await crm?.close();
  });

  const reads = (db: Knex, shape: { newestFirst: boolean }, args: { id: number; slug: string }): TogetherRead[] => [
    { name: 'listed', shape: 'rows', timestamps: ['created_at'], query: db('workspaces').where('id', '>=', args.id).orderBy('id', shape.newestFirst ? 'desc' : 'asc').select('id', 'slug', 'created_at') },
    { name: 'one', shape: 'row', query: db.raw('select slug, :id::int as asked from workspaces where slug = :slug', { id: args.id, slug: args.slug }) },
  ];

  it('reads each list in its own order with Dates for its timestamps, and a one-row read as an object, in one round trip', async function () {
    let statements = 0;
    const count = () => statements++;
    db.on('query', count);
    try {
      const [first] = workspaces;
      const read = await readTogether(db, reads(db, { newestFirst: true }, { id: first!.id, slug: first!.slug }));
      expect(statements).to.equal(1);
      expect(read.listed).to.deep.equal([...workspaces].reverse());
      expect((read.listed as Array<{ created_at: unknown }>)[0]!.created_at).to.be.instanceOf(Date);
      expect(read.one).to.deep.equal({ slug: first!.slug, asked: first!.id });
    } finally {
      db.off('query', count);
    }
  });

  it('builds the statement once per shape, then answers with the values of each call', async function () {
    let builds = 0;
    const template = togetherTemplate((shape: { newestFirst: boolean }) => String(shape.newestFirst), (db, shape, args: { id: number; slug: string }) => {
      builds++;
      return reads(db, shape, args);
    });
    for (const workspace of workspaces) {
      for (const newestFirst of [true, false]) {
        const args = { id: workspace.id, slug: workspace.slug };
        expect(await template(db, { newestFirst }, args), `${workspace.slug} ${newestFirst}`).to.deep.equal(await readTogether(db, reads(db, { newestFirst }, args)));
      }
    }
    // Two builds with stand-ins per shape, none per call after that.
    expect(builds).to.equal(4);
  });

  it('builds every time when a build puts an argument into the text, and still answers right', async function () {
    let builds = 0;
    const template = togetherTemplate(() => 'one', (db, _shape, args: { column: string }) => {
      builds++;
      return [{ name: 'listed', shape: 'rows', query: db('workspaces').orderBy('id').select(args.column) }];
    });
    expect(await template(db, {}, { column: 'slug' })).to.deep.equal({ listed: workspaces.map(({ slug }) => ({ slug })) });
    expect(await template(db, {}, { column: 'id' })).to.deep.equal({ listed: workspaces.map(({ id }) => ({ id })) });
    // Two stand-in builds found no template; then one build per call.
    expect(builds).to.equal(4);
  });
});
