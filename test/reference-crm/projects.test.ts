// Covers the reference CRM's ProjectsPort on its seeded demo: a client's projects by state (active,
// on hold, completed), search by title and ref, keyset pages, progress as done tasks over all tasks
// of a project and of each phase, the tasks a contact sees grouped by phase, a project's shared
// documents, and nothing of another company's or another workspace's projects.
import { expect } from 'chai';
import type { HostAdapter } from '../../src/core/index.ts';
import type { ProjectsPort } from '../../src/features/projects/port.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import { idOf, startCrm, type CrmTestContext } from './support.ts';

describe('reference CRM projects port', function () {
  let crm: CrmTestContext;
  let adapter: HostAdapter;
  let projects: ProjectsPort;
  let ws: string;
  let northwind: string;
  let maria: string;
  let tom: string;
  let bluebell: string;
  let priya: string;

  before(async function () {
    crm = await startCrm();
    adapter = createReferenceCrmAdapter(crm.db);
    projects = adapter.projects!;
    ws = String((await crm.db('workspaces').where({ slug: 'demo' }).first<{ id: number }>('id')).id);
    northwind = String(await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo'));
    maria = String(await idOf(crm.db, 'contacts', { email: 'maria@northwind.test' }, 'demo'));
    tom = String(await idOf(crm.db, 'contacts', { email: 'tom@northwind.test' }, 'demo'));
    bluebell = String(await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo'));
    priya = String(await idOf(crm.db, 'contacts', { email: 'priya@bluebell.test' }, 'demo'));
  });

  after(async function () {
    await crm?.close();
  });

  it('lists all projects active first, then on hold, then completed, with progress', async function () {
    const page = await projects.list(ws, northwind, maria, { state: 'all' }, { limit: 20 });
    expect(page.items.map((p) => [p.ref, p.state, p.progressPercent])).to.deep.equal([
      ['PJ-2026-001', 'active', 50],
      ['PJ-2026-003', 'onHold', null],
      ['PJ-2026-002', 'completed', 100],
    ]);
    expect(page.next).to.equal(null);
    expect(page.items[0]!.title).to.equal('Website redesign');
    expect(page.items[0]!.startDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('filters by state and searches title and ref', async function () {
    const active = await projects.list(ws, northwind, maria, { state: 'active' }, { limit: 20 });
    expect(active.items.map((p) => p.ref)).to.deep.equal(['PJ-2026-001']);
    const onHold = await projects.list(ws, northwind, maria, { state: 'onHold' }, { limit: 20 });
    expect(onHold.items.map((p) => p.ref)).to.deep.equal(['PJ-2026-003']);
    const byTitle = await projects.list(ws, northwind, maria, { state: 'all', search: 'PHOTO' }, { limit: 20 });
    expect(byTitle.items.map((p) => p.ref)).to.deep.equal(['PJ-2026-002']);
    const byRef = await projects.list(ws, northwind, maria, { state: 'all', search: '2026-003' }, { limit: 20 });
    expect(byRef.items.map((p) => p.ref)).to.deep.equal(['PJ-2026-003']);
    // A wildcard in the search is a character, not a pattern.
    const wildcard = await projects.list(ws, northwind, maria, { state: 'all', search: '%' }, { limit: 20 });
    expect(wildcard.items).to.deep.equal([]);
  });

  it('pages by keyset across states without repeating or skipping', async function () {
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await projects.list(ws, northwind, maria, { state: 'all' }, { limit: 1, ...(after ? { after } : {}) });
      seen.push(...page.items.map((p) => p.ref));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).to.deep.equal(['PJ-2026-001', 'PJ-2026-003', 'PJ-2026-002']);
    const bad = await projects.list(ws, northwind, maria, { state: 'all' }, { limit: 1, after: 'not-a-cursor' });
    expect(bad.items).to.deep.equal([]);
  });

  it("shows a project's phases in order with their progress and the contact's tasks", async function () {
    const id = String(await idOf(crm.db, 'projects', { ref: 'PJ-2026-001' }, 'demo'));
    const project = await projects.find(ws, northwind, maria, id);
    expect(project).to.not.equal(null);
    expect(project!.progressPercent).to.equal(50);
    expect(project!.description).to.include('design system');
    expect(project!.phases.map((p) => [p.name, p.progressPercent])).to.deep.equal([
      ['Discovery', 100],
      ['Design', 0],
      ['Build and launch', 100],
    ]);
    // By due date: the interviews were due first.
    expect(project!.phases[0]!.tasks.map((t) => [t.title, t.done])).to.deep.equal([
      ['Stakeholder interviews', true],
      ['Content audit', true],
    ]);
    // Tom's task is his: Maria sees hers and the company's, as on the Tasks page; progress counts both.
    expect(project!.phases[1]!.tasks.map((t) => t.title)).to.deep.equal(['Send brand assets (logo files and fonts)']);
    const forTom = await projects.find(ws, northwind, tom, id);
    expect(forTom!.phases[1]!.tasks.map((t) => t.title)).to.deep.equal(['Review homepage wireframes']);
    expect(project!.tasks.map((t) => t.title)).to.deep.equal(['Confirm the launch date']);
  });

  it("lists a project's shared documents through the documents port", async function () {
    const id = String(await idOf(crm.db, 'projects', { ref: 'PJ-2026-001' }, 'demo'));
    const docs = await adapter.documents!.list(ws, northwind, { record: { type: 'project', id } }, { limit: 20 });
    expect(docs.items.map((d) => [d.name, d.record?.label])).to.deep.equal([['website-project-plan.pdf', 'PJ-2026-001 Website redesign']]);
  });

  it("counts active projects, and finds nothing of another company's or workspace's", async function () {
    expect(await projects.countActive(ws, northwind, maria)).to.equal(1);
    expect(await projects.countActive(ws, bluebell, priya)).to.equal(1);
    const theirs = String(await idOf(crm.db, 'projects', { ref: 'PJ-2026-004' }, 'demo'));
    expect(await projects.find(ws, northwind, maria, theirs)).to.equal(null);
    const acme = String((await crm.db('workspaces').where({ slug: 'acme' }).first<{ id: number }>('id')).id);
    const id = String(await idOf(crm.db, 'projects', { ref: 'PJ-2026-001' }, 'demo'));
    expect(await projects.find(acme, northwind, maria, id)).to.equal(null);
    expect((await projects.list(acme, northwind, maria, { state: 'all' }, { limit: 20 })).items).to.deep.equal([]);
    expect(await projects.find(ws, northwind, maria, 'x1')).to.equal(null);
  });
});
