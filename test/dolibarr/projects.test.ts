// Covers ProjectsPort on Dolibarr's real schema: a contact sees the company's validated and closed
// projects that are public or that list them as an external contact (llx_element_contact with a
// llx_c_type_contact of element 'project', source 'external'), never a draft, a colleague's
// private project or another company's; open is active and closed completed (no project is on
// hold); progress is the tasks' declared progress weighted by planned workload (opp_percent is
// not progress); no phases, every task of the project in Dolibarr's tree order, whoever is
// assigned to it (the six its progress weighs).
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { countActiveProjects } from '../../plugins/dolibarr/queries/projects.ts';
import { openTaskCount } from '../../plugins/dolibarr/queries/tasks.ts';
import { SUMMARY_COUNT_LIMIT } from '../../src/core/ports/host.ts';
import type { ProjectsPort } from '../../src/features/projects/port.ts';
import { rowsRead } from '../support/rows-read.ts';
import { insertRowCopies } from '../support/row-copies.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();

describe('dolibarr binding: projects', function () {
  let host: DolibarrHost;
  let projects: ProjectsPort;
  const ws = '1';
  let bakery: string;
  let claire: string;
  let sophie: string;
  let refit: number;
  let oldSign: number;
  let garageProject: number;
  let draft: number;

  before(async function () {
    // Skipped where no real Dolibarr database can be made: its schema is loaded with psql into a
    // PostgreSQL server (DATABASE_URL), which the embedded engine is not. CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    projects = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, dataRoot: host.dataRoot }).projects!;
    const { db, seed } = host;
    bakery = String(seed.companies.bakery);
    claire = String(seed.contacts.claire);
    sophie = String(seed.contacts.sophie);
    const one = async (table: string, where: Record<string, unknown>) => Number((await db(table).where(where).first('rowid')).rowid);
    refit = await one('llx_projet', { ref: 'PJ2601-0001' });
    draft = await one('llx_projet', { ref: 'PJ2601-0002' });
    // Claire is the refit's external project leader; Sophie is not linked to it (the seed links her
    // as a contributor: unlinked here, as Dolibarr's Contacts tab of the project does). The draft is public
    // (still the agency's). opp_percent is an opportunity's chance, never progress.
    const link = (element_id: number, type: number, contact: number) =>
      db('llx_element_contact').insert({
        datecreate: '2026-01-16 09:10:00',
        statut: 4,
        element_id,
        fk_c_type_contact: type,
        fk_socpeople: contact,
      });
    await db('llx_element_contact').where({ element_id: refit, fk_c_type_contact: 171 }).delete();
    await link(refit, 170, seed.contacts.claire);
    await db('llx_projet').where({ rowid: refit }).update({ opp_percent: 90, datee: '2026-04-30', description: 'New counter and tiles.' });
    await db('llx_projet').where({ rowid: draft }).update({ public: 1 });
    const project = async (fk_soc: number, ref: string, title: string, fk_statut: number, isPublic: number, dateo: string) => {
      const [row] = await db('llx_projet')
        .insert({
          fk_soc,
          ref,
          title,
          entity: 1,
          fk_user_creat: seed.users.admin,
          fk_statut,
          public: isPublic,
          datec: `${dateo} 09:00:00`,
          dateo,
        })
        .returning('rowid');
      return Number((row as { rowid: number }).rowid);
    };
    oldSign = await project(seed.companies.bakery, 'PJ2512-0003', 'Old shop sign', 2, 1, '2025-12-01');
    await project(seed.companies.bakery, 'PJ2602-0004', 'Private bakery plan', 1, 0, '2026-02-01');
    garageProject = await project(seed.companies.garage, 'PJ2601-0005', 'Garage website', 1, 1, '2026-01-20');
    // A sub-task of Claire's tile task, half done: listed right under its parent.
    const parent = await one('llx_projet_task', { ref: 'TK2601-0001' });
    await db('llx_projet_task').insert({
      ref: 'TK2601-0007',
      entity: 1,
      fk_projet: refit,
      fk_task_parent: parent,
      label: 'Order the tiles',
      datec: '2026-01-16 09:00:00',
      fk_user_creat: seed.users.admin,
      dateo: '2026-01-16 00:00:00',
      datee: '2026-03-08 00:00:00',
      planned_workload: 3600,
      progress: 50,
    });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('lists the public projects and those the contact is linked to, open as active and closed as completed', async function () {
    const all = await projects.list(ws, bakery, claire, { state: 'all' }, { limit: 20 });
    expect(all.items.map((p) => [p.ref, p.state])).to.deep.equal([
      ['PJ2601-0001', 'active'],
      ['PJ2512-0003', 'completed'],
    ]);
    // Six tasks of 3600 s each: 0, 0, 0, 0, 100 and 50 % declared.
    expect(all.items[0]).to.include({ title: 'Shop refit', progressPercent: 25, startDate: '2026-01-15', endDate: '2026-04-30' });
    expect(all.items[1]!.progressPercent).to.equal(null);
    const forSophie = await projects.list(ws, bakery, sophie, { state: 'all' }, { limit: 20 });
    expect(forSophie.items.map((p) => p.ref)).to.deep.equal(['PJ2512-0003']);
    expect((await projects.list(ws, bakery, claire, { state: 'onHold' }, { limit: 20 })).items).to.deep.equal([]);
    expect((await projects.list(ws, bakery, claire, { state: 'completed' }, { limit: 20 })).items.map((p) => p.ref)).to.deep.equal([
      'PJ2512-0003',
    ]);
    expect(await projects.countActive(ws, bakery, claire)).to.equal(1);
    expect(await projects.countActive(ws, bakery, sophie)).to.equal(0);
  });

  it('searches title and ref, and pages by keyset', async function () {
    expect(
      (await projects.list(ws, bakery, claire, { state: 'all', search: 'SIGN' }, { limit: 20 })).items.map((p) => p.ref),
    ).to.deep.equal(['PJ2512-0003']);
    expect(
      (await projects.list(ws, bakery, claire, { state: 'all', search: '2601-0001' }, { limit: 20 })).items.map((p) => p.ref),
    ).to.deep.equal(['PJ2601-0001']);
    const first = await projects.list(ws, bakery, claire, { state: 'all' }, { limit: 1 });
    const second = await projects.list(ws, bakery, claire, { state: 'all' }, { limit: 1, after: first.next });
    expect([...first.items, ...second.items].map((p) => p.ref)).to.deep.equal(['PJ2601-0001', 'PJ2512-0003']);
    expect(second.next).to.equal(null);
    expect((await projects.list(ws, bakery, claire, { state: 'all' }, { limit: 1, after: 'bogus' })).items).to.deep.equal([]);
  });

  it("shows every task of the project in Dolibarr's tree order, a colleague's too, with no phases", async function () {
    const project = await projects.find(ws, bakery, claire, String(refit));
    expect(project).to.not.equal(null);
    expect(project!.phases).to.deep.equal([]);
    expect(project!.description).to.equal('New counter and tiles.');
    expect(project!.tasks.map((t) => [t.title, t.done, t.progressPercent])).to.deep.equal([
      ['Choose the tiles', false, 0],
      ['Order the tiles', false, 50],
      ['Approve the plans', false, 0],
      ['Send the logo files', false, 0],
      ['Pick paint colours', false, 0],
      ['Empty the shop window', true, 100],
    ]);
    expect(project!.tasks[0]!.dueDate).to.equal('2026-03-10');
  });

  it("finds nothing of a draft, a colleague's private project, another company's or another entity's", async function () {
    expect(await projects.find(ws, bakery, claire, String(draft))).to.equal(null);
    expect(await projects.find(ws, bakery, sophie, String(refit))).to.equal(null);
    expect(await projects.find(ws, bakery, claire, String(garageProject))).to.equal(null);
    expect(await projects.find(ws, String(host.seed.companies.garage), claire, String(garageProject))).to.equal(null);
    expect(await projects.find('2', bakery, claire, String(refit))).to.equal(null);
    expect((await projects.list('2', bakery, claire, { state: 'all' }, { limit: 20 })).items).to.deep.equal([]);
    expect(await projects.find(ws, bakery, claire, 'x')).to.equal(null);
    expect(await projects.find(ws, bakery, claire, String(oldSign))).to.not.equal(null);
  });

  it("shares a public project's files with the company, never a private project's, a draft's or another company's", async function () {
    const { db, seed } = host;
    const documents = createDolibarrAdapter(host.db, { workspaceSlug: seed.workspaceSlug, dataRoot: host.dataRoot }).documents!;
    // As Dolibarr files a project's documents: projet/<ref>/, indexed in llx_ecm_files with the
    // project as their object, and shared by staff (a share hash).
    const shareOn = async (projectId: number, ref: string, filename: string) => {
      const filepath = `projet/${ref}`;
      mkdirSync(path.join(host.dataRoot, filepath), { recursive: true });
      writeFileSync(path.join(host.dataRoot, filepath, filename), `${filename} body`);
      const [row] = await db('llx_ecm_files')
        .insert({
          ref: `project-${filename}`,
          label: 'd41d8cd98f00b204e9800998ecf8427e',
          share: `share-${filename}`,
          entity: seed.entity,
          filepath,
          filename,
          src_object_type: 'project',
          src_object_id: projectId,
          date_c: '2026-03-01 10:00:00',
          fk_user_c: seed.users.admin,
        })
        .returning('rowid');
      return String((row as { rowid: number }).rowid);
    };
    const privatePlan = Number((await db('llx_projet').where({ ref: 'PJ2602-0004' }).first('rowid')).rowid);
    const signFile = await shareOn(oldSign, 'PJ2512-0003', 'sign-proof.pdf');
    const refitFile = await shareOn(refit, 'PJ2601-0001', 'refit-plan.pdf');
    await shareOn(privatePlan, 'PJ2602-0004', 'private-plan.pdf');
    await shareOn(draft, 'PJ2601-0002', 'draft-brief.pdf');
    const garageFile = await shareOn(garageProject, 'PJ2601-0005', 'garage-site.pdf');

    const listed = (await documents.list(ws, bakery, {}, { limit: 50 })).items;
    const projectFiles = listed.filter((doc) => doc.record?.type === 'project');
    expect(projectFiles.map((doc) => [doc.name, doc.record?.label])).to.deep.equal([['sign-proof.pdf', 'PJ2512-0003']]);
    // The project page's list: the files of that project only.
    const onProject = await documents.list(ws, bakery, { record: { type: 'project', id: String(oldSign) } }, { limit: 10 });
    expect(onProject.items.map((doc) => doc.name)).to.deep.equal(['sign-proof.pdf']);
    expect((await documents.list(ws, bakery, { record: { type: 'project', id: String(refit) } }, { limit: 10 })).items).to.deep.equal([]);
    expect(await documents.open(ws, bakery, signFile)).to.not.equal(null);
    // A private project's file, even of a project a colleague is linked to, is not the company's to share.
    expect(await documents.open(ws, bakery, refitFile)).to.equal(null);
    expect(await documents.open(ws, bakery, garageFile)).to.equal(null);
    const summary = await createDolibarrAdapter(host.db, {
      workspaceSlug: seed.workspaceSlug,
      dataRoot: host.dataRoot,
    }).summaries!.forClient(ws, bakery, claire);
    expect(summary.documents.attached?.project).to.equal(1);
  });

  it('counts active projects and open tasks to the limit and one more, reading no more of them', async function () {
    const { db, seed } = host;
    // An import gone wrong: more open public projects, and more open tasks no one is assigned to,
    // than the dashboard counts; each a copy of the refit or one of its tasks, with its own keys.
    const many = SUMMARY_COUNT_LIMIT + 500;
    await insertRowCopies(db, 'llx_projet', { rowid: refit }, many, {
      rowid: "nextval(pg_get_serial_sequence('llx_projet', 'rowid'))",
      ref: "'PJ-HEAP-' || g",
      title: "'Imported ' || g",
      public: '1',
      fk_statut: '1',
    });
    const task = Number((await db('llx_projet_task').where({ fk_projet: refit }).orderBy('rowid').first('rowid')).rowid);
    await insertRowCopies(db, 'llx_projet_task', { rowid: task }, many, {
      rowid: "nextval(pg_get_serial_sequence('llx_projet_task', 'rowid'))",
      ref: "'TK-HEAP-' || g",
      label: "'Imported ' || g",
      fk_task_parent: '0',
      fk_statut: '1',
      progress: '0',
    });
    await db.raw('analyze llx_projet, llx_projet_task');
    try {
      const scope = { entity: 1, companyId: seed.companies.bakery, contactId: seed.contacts.claire, countLimit: SUMMARY_COUNT_LIMIT + 1 };
      const active = await rowsRead(db, 'llx_projet', (trx) => countActiveProjects(trx, scope));
      expect(active.value).to.equal(SUMMARY_COUNT_LIMIT + 1);
      expect(active.read, 'projects read').to.be.at.most(SUMMARY_COUNT_LIMIT + 1 + 20);
      const open = await rowsRead(db, 'llx_projet_task', (trx) => openTaskCount(trx, scope));
      expect(open.value).to.equal(SUMMARY_COUNT_LIMIT + 1);
      expect(open.read, 'tasks read').to.be.at.most(SUMMARY_COUNT_LIMIT + 1 + 20);
      expect(await projects.countActive(ws, bakery, claire)).to.equal(SUMMARY_COUNT_LIMIT + 1);
      const summary = await createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug }).summaries.forClient(ws, bakery, claire);
      expect(summary.tasks.open).to.equal(SUMMARY_COUNT_LIMIT + 1);
    } finally {
      await db('llx_projet_task').whereLike('ref', 'TK-HEAP-%').delete();
      await db('llx_projet').whereLike('ref', 'PJ-HEAP-%').delete();
    }
  });
});
