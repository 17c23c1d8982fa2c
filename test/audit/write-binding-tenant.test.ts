// The audit's draft of a binding file on an invoicing app's tables the test builds, kept as such an
// app keeps them: every row carries team_id, a key to the teams that use the app (declared on the
// customers, implied by its name and type on the invoices, which declare none), and the staff sign
// in through a hosted service (the users table holds no password). The draft names the teams as the
// workspaces, each section's team_id as its workspace and writes staff: none; with its remaining
// questions answered, `check` finds the file fits and the portal serves a client's invoices of its
// own team only, not another team's client of the same name. Where every table carries two such
// columns (a team's and an organisation's), which says whose the records are is asked, both named,
// never chosen; a users table that keeps a password hash keeps its staff section as before.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { isPair, isScalar, parseDocument, visit } from 'yaml';
import { writeBindingDraft } from '../../audit/binding-file/write-binding.ts';
import { inspectHost } from '../../audit/run-audit.ts';
import { checkBindingFile } from '../../plugins/file-binding/check.ts';
import { parseBindingFile } from '../../plugins/file-binding/load.ts';
import { inviteContact } from '../../plugins/standalone/invite.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpCapture } from '../support/smtp-capture.ts';
import { acceptInvitation } from '../support/test-host.ts';
import { invitationTo, type SeededCrm, type ServedBindingFile, serveBindingFile } from '../file-binding/serve-binding-file.ts';

const NORTH = '0a6f6c1e-7d2b-4c1a-9b3e-1f2a3b4c5d6e';
const SOUTH = '1b7a7d2f-8e3c-4d2b-8c4f-2a3b4c5d6e7f';
const NORTH_BAKERY = '2c8b8e3a-9f4d-4e3c-9d5a-3b4c5d6e7f80';
const SOUTH_BAKERY = '3d9c9f4b-a05e-4f4d-8e6b-4c5d6e7f8091';

/** The app's tables: teams, their members (no passwords), their customers and invoices. */
async function buildTeamsApp(db: Knex, options: { orgs?: boolean; passwords?: boolean } = {}): Promise<void> {
  const org = options.orgs ? ', org_id uuid not null references orgs' : '';
  await db.raw(`
    ${options.orgs ? 'create table orgs (id uuid primary key, name text not null, plan text not null);' : ''}
    create table teams (id uuid primary key, name text not null, created_at timestamptz not null default now());
    create table users (id uuid primary key, team_id uuid references teams, email text not null, full_name text,
      avatar_url text${options.passwords ? ', password_hash text' : ''});
    create table customers (id uuid primary key, team_id uuid not null references teams${org}, name text not null,
      email text not null, contact text, phone text, created_at timestamptz not null default now());
    create table invoices (id uuid primary key, team_id uuid not null${org}, customer_id uuid not null references customers,
      invoice_number text not null, status text not null, amount numeric(10, 2) not null, currency text not null,
      issue_date timestamptz not null, due_date timestamptz, created_at timestamptz not null default now());
  `);
}

async function seedTeams(db: Knex): Promise<void> {
  await db('teams').insert([
    { id: NORTH, name: 'North' },
    { id: SOUTH, name: 'South' },
  ]);
  await db('users').insert({ id: '4e0d0a5c-b16f-4a5e-9f7c-5d6e7f8091a2', team_id: NORTH, email: 'owner@north.test', full_name: 'Nora' });
  // Two teams, each with its own client called Bright Bakery.
  await db('customers').insert([
    { id: NORTH_BAKERY, team_id: NORTH, name: 'Bright Bakery', email: 'ann@bakery.test', contact: 'Ann Baker' },
    { id: SOUTH_BAKERY, team_id: SOUTH, name: 'Bright Bakery', email: 'bob@bakery.test', contact: 'Bob Baker' },
  ]);
  const invoice = (id: string, team: string, customer: string, number: string, status: string) => ({
    id,
    team_id: team,
    customer_id: customer,
    invoice_number: number,
    status,
    amount: '120.00',
    currency: 'EUR',
    issue_date: '2026-03-02T09:00:00Z',
  });
  await db('invoices').insert([
    invoice('5f1e1b6d-c27a-4b6f-8a8d-6e7f8091a2b3', NORTH, NORTH_BAKERY, 'INV-NORTH-1', 'unpaid'),
    invoice('6a2f2c7e-d38b-4c7a-9b9e-7f8091a2b3c4', NORTH, NORTH_BAKERY, 'INV-NORTH-2', 'paid'),
    invoice('7b3a3d8f-e49c-4d8b-8caf-8091a2b3c4d5', SOUTH, SOUTH_BAKERY, 'INV-SOUTH-1', 'unpaid'),
  ]);
}

/** The draft the audit writes on the database, as `npm run audit -- --write-binding` writes it. */
async function draftOn(database: TestDatabase): Promise<string> {
  return (await writeBindingDraft(database.url, await inspectHost({ databaseUrl: database.url }))).text;
}

/** Each value still a question, by its path of keys joined by dots. */
function questionsOf(text: string): Map<string, string> {
  const found = new Map<string, string>();
  visit(parseDocument(text), {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.startsWith('QUESTION:')) return;
      found.set(ancestors.flatMap((a) => (isPair(a) && isScalar(a.key) ? [String(a.key.value)] : [])).join('.'), node.value);
    },
  });
  return found;
}

/** The draft with each question answered (a value), or its key deleted (undefined). */
function answer(draft: string, answers: Record<string, unknown>): string {
  const doc = parseDocument(draft);
  for (const [at, value] of Object.entries(answers)) {
    const keys = at.split('.');
    if (value === undefined) doc.deleteIn(keys);
    else doc.setIn(keys, doc.createNode(value, { flow: true }));
  }
  return doc.toString({ lineWidth: 0 });
}

describe('npm run audit -- --write-binding on an app whose every table carries its team', function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let db: Knex;
  let dir: string;
  let draft: string;
  let crm: SeededCrm | undefined;
  let served: ServedBindingFile | undefined;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await buildTeamsApp(db);
    await seedTeams(db);
    dir = mkdtempSync(path.join(tmpdir(), 'write-binding-tenant-'));
    draft = await draftOn(database);
  });
  after(async function () {
    await served?.close();
    await crm?.smtp?.stop();
    rmSync(dir, { recursive: true, force: true });
    await db?.destroy();
    await database?.drop();
  });

  it('names the teams as the workspaces, team_id as each section’s workspace, and staff: none', function () {
    const data = parseDocument(draft).toJS();
    expect(data.workspace).to.equal(undefined);
    expect(data.workspaces).to.include({ table: 'teams', key: 'id', name: 'name' });
    expect(data.clients.workspace).to.equal('team_id');
    // Declared on the customers, implied by name and type on the invoices.
    expect(data.invoices.workspace).to.equal('team_id');
    expect(draft).to.contain('team_id on customers, invoices (every table this file maps) points at it');
    expect(data.staff).to.equal('none');
    expect(draft).to.contain("No table of staff or users keeps a password hash (the audit's pick, users, has none)");
  });

  it('with its remaining questions answered, checks and serves a client the invoices of its own team only', async function () {
    const asked = questionsOf(draft);
    const answers: Record<string, unknown> = {
      crm: 'Teams Books',
      pages: undefined,
      'workspaces.slug': { lower: 'name' },
      'clients.table': 'customers',
      contacts: { table: 'customers', key: 'id', workspace: 'team_id', client: 'id', email: 'email', name: { first: ['contact', 'name'] } },
      'invoices.table': 'invoices',
      'invoices.status.states': { open: ['unpaid'], paid: ['paid'] },
      'invoices.status.hidden': undefined,
      'invoices.notes': undefined,
      'invoices.lines': undefined,
      'invoices.payments': undefined,
      'invoices.writes': undefined,
    };
    // Nothing else is asked: the workspace and the staff are stated.
    expect([...asked.keys()].sort()).to.deep.equal(Object.keys(answers).sort());
    const file = path.join(dir, 'teams.yaml');
    writeFileSync(file, answer(draft, answers));
    expect(parseBindingFile(answer(draft, answers), 'teams.yaml').staff).to.equal(null);

    const report = await checkBindingFile(db, file, { workspace: 'north' });
    expect(report.problems).to.deep.equal([]);
    const lines = report.lines.join('\n');
    expect(lines).to.contain('Workspaces: north (North), south (South)');
    expect(lines).to.contain('north: 1 clients, 1 contacts with an email, no staff sign-in (staff: none)');
    expect(lines).to.contain('INV-NORTH-1').and.not.to.contain('INV-SOUTH-1');

    crm = { database, db, smtp: await startSmtpCapture(), close: async () => undefined };
    served = await serveBindingFile(crm, { file, slug: 'north' });
    expect(await inviteContact(served.running, { email: 'ann@bakery.test' })).to.match(
      /^Invited Ann Baker <ann@bakery\.test> of Bright Bakery to the North portal \(workspace north\)/,
    );
    const ann = await acceptInvitation(served.app, await invitationTo(crm, 'ann@bakery.test'), 'ann-bakes-bread-daily');
    const invoices = await ann.get('/portal/north/invoices').expect(200);
    expect(invoices.text).to.contain('INV-NORTH-1').and.to.contain('INV-NORTH-2');
    // South's Bright Bakery is another team's client: its invoice is not Ann's.
    expect(invoices.text).not.to.contain('INV-SOUTH-1');
  });
});

describe('npm run audit -- --write-binding on an app whose every table carries two such keys', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let draft: string;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await buildTeamsApp(db, { orgs: true, passwords: true });
    draft = await draftOn(database);
  });
  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it('asks which says whose the records are, naming both, and never chooses', function () {
    const data = parseDocument(draft).toJS();
    const asked = questionsOf(draft);
    expect(data.workspace).to.equal(undefined);
    expect(asked.get('workspaces')).to.match(/which column says whose the records are: (team_id|org_id) .* or (org_id|team_id) /);
    expect(asked.get('workspaces')).to.contain('team_id (a key to teams)').and.to.contain('org_id (a key to orgs)');
    for (const section of ['clients', 'invoices'])
      expect(asked.get(`${section}.workspace`)).to.match(/team_id or org_id|org_id or team_id/);
  });

  it('keeps the staff section where the users table holds a password hash', function () {
    const data = parseDocument(draft).toJS();
    expect(data.staff).to.be.an('object');
    expect(data.staff.password.column).to.equal('password_hash');
  });
});
