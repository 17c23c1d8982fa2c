// `npm run audit -- --write-binding FILE` on Invoice Ninja's real schema
// (test/fixtures/real-schemas/invoiceninja.sql) seeded with ../shared/crm-schemas/invoiceninja-sample.sql
// and a draft quote and a paid invoice, run as the command line runs it: the file it writes maps the tables and
// columns the committed bindings/invoiceninja.yaml maps; what the audit is unsure of (the proposals'
// pick on the quotations' table) and what no schema says (status values, who may sign in, hash
// formats, the host's writes) is a marked question quoting the values found in the database, which
// the binding file's loader refuses one by one; with each question answered by the committed file's
// answer, it reads as the committed file does. Bad flags and an unwritable file end as the audit's
// other failures do: one line, exit 2 or 1. On FrontAccounting's schema, seeded as its test seeds
// it, the same holds: answered as bindings/frontaccounting.yaml answers, the draft reads as that file,
// and `npm run portal -- check` finds that it fits the database. On EspoCRM's schema the draft holds
// nothing the format refuses but its questions, names the joins that reach a person's email through its
// address links, and, answered as bindings/espocrm.yaml answers, is that file: its people, cases and help articles.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import knex from 'knex';
import { isPair, isScalar, parseDocument, visit } from 'yaml';
import { runAuditCli } from '../../audit/cli-run.ts';
import { CONTACT_PASSWORD_FORMATS, STAFF_PASSWORD_FORMATS } from '../../audit/binding-file/draft-binding.ts';
import * as bindingFormat from '../../plugins/file-binding/format.ts';
import { BindingFileError, parseBindingFile } from '../../plugins/file-binding/load.ts';
import { realSchemaUnavailable } from '../file-binding/real-schema.ts';
import { FRONTACCOUNTING as SEEDED_FRONTACCOUNTING } from '../file-binding/seeded-frontaccounting.ts';
import { type SeededCrm, seededCrm } from '../file-binding/serve-binding-file.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';
import { runPortal } from '../standalone/portal-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Where the real schemas are (CRM_SCHEMAS_DIR, else ../shared/crm-schemas), as the other real-schema tests.
const SAMPLE = join(process.env.CRM_SCHEMAS_DIR ?? join(ROOT, '../shared/crm-schemas'), 'invoiceninja-sample.sql');
const COMMITTED = readFileSync(join(ROOT, 'bindings/invoiceninja.yaml'), 'utf8');
const FRONTACCOUNTING = readFileSync(join(ROOT, 'bindings/frontaccounting.yaml'), 'utf8');
const ESPOCRM = readFileSync(join(ROOT, 'bindings/espocrm.yaml'), 'utf8');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The audit's command line (audit/cli-run.ts) run in this process, on the flags and this
 * environment without DATABASE_URL: what `npm run audit` runs, its process tested in cli.test.ts.
 */
async function audit(args: string[]): Promise<Run> {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  let stdout = '';
  let stderr = '';
  const code = await runAuditCli(args, env, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** `npm run audit -- --write-binding DIR/NAME` on a database: the run, and the file it wrote. */
async function draftByAudit(databaseUrl: string, dir: string, name: string): Promise<{ run: Run; draft: string }> {
  const run = await audit(['--database-url', databaseUrl, '--out', join(dir, 'report.md'), '--write-binding', join(dir, name)]);
  expect(run.code, run.stderr).to.equal(0);
  return { run, draft: readFileSync(join(dir, name), 'utf8') };
}

type Path = string[];

/** Each value still a question, by its path of keys. */
function questionsOf(text: string): Array<{ path: Path; text: string }> {
  const found: Array<{ path: Path; text: string }> = [];
  visit(parseDocument(text), {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.startsWith('QUESTION:')) return;
      found.push({ path: ancestors.flatMap((a) => (isPair(a) && isScalar(a.key) ? [String(a.key.value)] : [])), text: node.value });
    },
  });
  return found;
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), data);
}

/**
 * Answers each question as the committed file does: its value at the same place, or, where the
 * committed file has none, the key goes (the whole section, where the committed file has no such section).
 */
function answerAsCommitted(draft: string, committedText: string): string {
  const doc = parseDocument(draft);
  const committed: unknown = parseDocument(committedText).toJS();
  for (const { path } of questionsOf(draft)) {
    if (!doc.hasIn(path)) continue; // its section went with an earlier answer
    const value = valueAt(committed, path);
    if (value !== undefined) doc.setIn(path, doc.createNode(value, { flow: true }));
    else {
      let cut = path;
      while (cut.length > 1 && valueAt(committed, cut.slice(0, -1)) === undefined) cut = cut.slice(0, -1);
      doc.deleteIn(cut);
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** What the binding file's loader refuses in a text, one problem a line; none when it loads. */
function loaderProblems(text: string, name: string): string[] {
  try {
    parseBindingFile(text, name);
    return [];
  } catch (err) {
    if (!(err instanceof BindingFileError)) throw err;
    return err.problems;
  }
}

/** What a parsed file holds, without keys that select nothing (an empty where). */
function normal(file: unknown): unknown {
  return JSON.parse(JSON.stringify(file), (key, value) =>
    key === 'where' && value && typeof value === 'object' && Object.keys(value).length === 0 ? undefined : value,
  );
}

describe('npm run audit -- --write-binding: the hash formats it offers', function () {
  it('are those the binding file accepts, for contacts and for staff', function () {
    expect(CONTACT_PASSWORD_FORMATS).to.deep.equal(bindingFormat.CONTACT_PASSWORD_FORMATS);
    expect(STAFF_PASSWORD_FORMATS).to.deep.equal(bindingFormat.STAFF_PASSWORD_FORMATS);
  });
});

describe('npm run audit -- --write-binding on Invoice Ninja', function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let dir: string;
  let run: Run;
  let draft: string;
  let draftData: Record<string, unknown>;

  before(async function () {
    const skip = realSchemaSkipReason('invoiceninja-sample.sql');
    if (skip) {
      // No PostgreSQL server or no shared sample here (printed above): the schema loads only with psql into a server.
      console.log(`      skipped: ${skip}`);
      this.skip();
    }
    database = await loadRealSchema('invoiceninja.sql', BUILT_SCHEMAS_DIR);
    const psql = (args: string[]) =>
      promisify(execFile)('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', ...args, database.url]);
    await psql(['-f', SAMPLE]);
    // Beside the sample's sent quote (2) and invoices: a draft quote (1) and a paid invoice (4), as copies.
    const copy = (table: string, values: object) =>
      `insert into ${table} select (jsonb_populate_record(null::${table}, to_jsonb(t) || '${JSON.stringify(values)}'::jsonb)).* from ${table} t where id = 1;`;
    await psql([
      '-c',
      copy('quotes', { id: 2, status_id: 1, number: 'Q-BARS-DRAFT' }) + copy('invoices', { id: 3, status_id: 4, number: 'INV-BARS-0041' }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'write-binding-'));
    ({ run, draft } = await draftByAudit(database.url, dir, 'invoiceninja.yaml'));
    draftData = parseDocument(draft).toJS();
  });
  after(async function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it('writes the file beside the report and says how many questions it asks', function () {
    const asked = questionsOf(draft).length;
    expect(asked).to.be.greaterThan(10);
    expect(run.stdout).to.match(
      new RegExp(`^Wrote .*report\\.md and .*invoiceninja\\.yaml \\(${asked} questions to answer in .*invoiceninja\\.yaml\\): `),
    );
    expect(run.stderr).to.equal('');
  });

  it('maps the tables, keys, links and columns the committed file maps, where the audit is sure', function () {
    const committed: unknown = parseDocument(COMMITTED).toJS();
    // Every value the draft states (not a question) that the committed file also states, equal.
    const stated: string[] = [];
    const walk = (value: unknown, path: Path): void => {
      if (typeof value === 'string' && value.startsWith('QUESTION:')) return;
      // A where and a concat are compared whole.
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('concat' in value) && path.at(-1) !== 'where') {
        for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
        return;
      }
      const theirs = valueAt(committed, path);
      if (theirs === undefined) return;
      stated.push(path.join('.'));
      expect(value, path.join('.')).to.deep.equal(theirs);
    };
    walk(draftData, []);
    // What the audit's picks give, stated (not asked) and as Invoice Ninja's file has it.
    for (const section of ['clients', 'contacts', 'staff', 'quotations', 'invoices'])
      expect(stated).to.include.members([`${section}.table`, `${section}.key`]);
    expect(stated).to.include.members([
      'workspaces.table',
      'workspaces.key',
      'clients.workspace',
      'clients.name',
      'clients.where',
      'contacts.workspace',
      'contacts.client',
      'contacts.email',
      'contacts.name',
      'contacts.phone',
      'contacts.password.column',
      'staff.email',
      'staff.name',
      'staff.where',
      'staff.password.column',
      'quotations.workspace',
      'quotations.client',
      'quotations.number',
      'quotations.status.column',
      'quotations.amounts',
      'quotations.total',
      'quotations.tax',
      'quotations.date',
      'quotations.sentAt',
      'quotations.body',
      'quotations.terms',
      'invoices.workspace',
      'invoices.client',
      'invoices.where',
      'invoices.number',
      'invoices.status.column',
      'invoices.total',
      'invoices.tax',
      'invoices.paid',
      'invoices.balance',
      'invoices.date',
      'invoices.due',
      'invoices.notes',
    ]);
  });

  it('asks what the audit is unsure of or cannot know, with the candidates and the values found', function () {
    const asked = new Map(questionsOf(draft).map((q) => [q.path.join('.'), q.text]));
    // The proposals' pick is low confidence, on the quotations' own table: the table is asked, both candidates named.
    expect(asked.get('proposals.table')).to.match(
      /is quotes the table of proposals\?.*unsure.*quotes or public\.invoices; quotes is also the quotations' table/,
    );
    // Status values: never guessed, the values the database holds quoted.
    expect(asked.get('quotations.status.states')).to.match(
      /which values of quotes\.status_id mean open, accepted, declined, expired, withdrawn\? values found: 1 \(1 row\), 2 \(1 row\)/,
    );
    expect(asked.get('invoices.status.states')).to.match(
      /which values of invoices\.status_id mean open, paid, void\? values found: .*4 \(1 row\)/,
    );
    // Who may sign in: the flags that may say so are named.
    expect(asked.get('contacts.where')).to.match(
      /which contacts may sign in\? Rows not deleted: \{"deleted_at":null\}.*is_locked smallint/,
    );
    expect(asked.get('contacts.password.format')).to.match(
      /which hash format does client_contacts\.password hold: bcrypt, php, argon2id\?/,
    );
    expect(asked.get('staff.password.format')).to.match(/which hash format does users\.password hold/);
    // No company_id on users, no currency column on quotes: the value is asked, and the joins that reach it.
    expect(asked.get('staff.workspace')).to.match(/public\.users has no company_id/);
    expect(asked.get('staff.joins')).to.match(/to reach its workspace/);
    expect(asked.get('quotations.currency')).to.match(/quotes has no currency column/);
    // The payments are not tied to the invoices by a key of theirs: the bridge is asked, paymentables among the candidates.
    expect(asked.get('invoices.payments')).to.match(/public\.payments\) have no key to public\.invoices.*public\.paymentables/);
    // What only a person knows.
    for (const path of [
      'crm',
      'workspaces.slug',
      'workspaces.name',
      'staff.admin',
      'quotations.writes',
      'quotations.lines',
      'quotations.decidedAt',
    ])
      expect(asked.has(path), path).to.equal(true);
  });

  it("is refused by the binding file's loader, each question by its line, until answered", function () {
    const problems = loaderProblems(draft, 'invoiceninja.yaml');
    const lines = draft.split('\n');
    expect(problems).to.have.length(questionsOf(draft).length);
    for (const problem of problems) {
      const [, line, text] = /^line (\d+): unanswered question: (.*)$/.exec(problem) ?? [];
      expect(line, problem).to.be.a('string');
      expect(lines[Number(line) - 1]).to.include(`"QUESTION: ${text!.slice(0, 40)}`);
    }
  });

  it('with only its questions answered as the committed file answers them, reads as the committed file does', function () {
    const answered = answerAsCommitted(draft, COMMITTED);
    expect(questionsOf(answered)).to.deep.equal([]);
    const mine = parseBindingFile(answered, 'answered.yaml');
    const theirs = parseBindingFile(COMMITTED, 'bindings/invoiceninja.yaml');
    expect(normal(mine)).to.deep.equal(normal(theirs));
  });

  it('fails as the audit fails: a missing value exits 2, an unwritable file 1, each in one line', async function () {
    const bare = await audit(['--database-url', database.url, '--out', join(dir, 'r.md'), '--write-binding']);
    expect(bare.code).to.equal(2);
    expect(bare.stderr).to.match(/^audit: Option '--write-binding <value>' argument missing \(usage: .*--write-binding FILE\]\)\n$/);
    const unwritable = await audit([
      '--database-url',
      database.url,
      '--out',
      join(dir, 'r.md'),
      '--write-binding',
      join(dir, 'no/such/dir.yaml'),
    ]);
    expect(unwritable.code).to.equal(1);
    expect(unwritable.stderr).to.match(/^audit: Cannot write .*no\/such\/dir\.yaml: ENOENT\.\n$/);
  });
});

describe('npm run audit -- --write-binding on FrontAccounting', function () {
  this.timeout(180_000);
  let crm: SeededCrm;
  let dir: string;
  let run: Run;
  let draft: string;

  before(async function () {
    const skip = realSchemaUnavailable();
    if (skip) {
      // No PostgreSQL server here (printed above): FrontAccounting's schema loads only with psql into a server.
      console.log(`      skipped: ${skip}`);
      this.skip();
    }
    crm = await seededCrm(SEEDED_FRONTACCOUNTING);
    dir = mkdtempSync(join(tmpdir(), 'write-binding-'));
    ({ run, draft } = await draftByAudit(crm.database.url, dir, 'frontaccounting.yaml'));
  });
  after(async function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await crm?.close();
  });

  it('asks what it cannot know of FrontAccounting, and states what the schema says', function () {
    const asked = new Map(questionsOf(draft).map((q) => [q.path.join('.'), q.text]));
    expect(run.stdout).to.include(`(${asked.size} questions to answer in `);
    expect(loaderProblems(draft, 'frontaccounting.yaml')).to.have.length(asked.size);
    // Whether an inactive customer or user is still served is the host's: asked, with the values found.
    expect(asked.get('clients.where')).to.match(/inactive smallint \(values found: 0 \(2 rows\), 1 \(1 row\)\) may hide rows too/);
    expect(asked.get('staff.where')).to.match(/inactive smallint/);
    // The sampled hashes are md5, a format staff passwords may have: offered.
    expect(asked.get('staff.password.format')).to.match(/bcrypt, php, argon2id, md5\? Of 3 values sampled: 3 md5-hex/);
    // The contacts' pick (people) has no key to the customers: its columns may be read through the table that ties them.
    expect(asked.get('contacts.email')).to.match(
      /With 0_crm_persons as the table: email\. With a table that ties 0_crm_persons to the clients/,
    );
    expect(asked.get('contacts.name')).to.match(/name has name2 beside it/);
    expect(asked.get('staff.name')).to.match(/real_name may be empty .* \{ first: \[real_name, user_id\] \}/);
    // Lines tied by name only (no declared key), texts and tax with their candidates, the CRM's pages.
    expect(asked.get('quotations.lines')).to.match(/Candidates: table public\.0_sales_order_details\./);
    expect(asked.get('invoices.lines')).to.match(/Candidates: table public\.0_debtor_trans_details\./);
    expect(asked.get('quotations.body')).to.match(/candidates comments text/);
    expect(asked.get('quotations.terms')).to.match(/public\.0_payment_terms \(by payment_terms\)/);
    expect(asked.get('invoices.notes')).to.match(/the audit's table of comments, public\.0_comments/);
    expect(asked.get('invoices.tax')).to.match(/candidates ov_gst double precision, ov_freight_tax double precision\)/);
    expect(asked.has('pages')).to.equal(true);
    // What is paid is named for it though its values gave it no role.
    expect(parseDocument(draft).getIn(['invoices', 'paid'])).to.equal('alloc');
  });

  it('with only its questions answered as bindings/frontaccounting.yaml answers them, is that file, and check finds it fits', async function () {
    const answered = answerAsCommitted(draft, FRONTACCOUNTING);
    expect(questionsOf(answered)).to.deep.equal([]);
    const mine = parseBindingFile(answered, 'answered.yaml');
    expect(normal(mine)).to.deep.equal(normal(parseBindingFile(FRONTACCOUNTING, 'bindings/frontaccounting.yaml')));
    const file = join(dir, 'answered.yaml');
    writeFileSync(file, answered);
    const checked = await runPortal(['check', '--binding', file], { DATABASE_URL: crm.database.url });
    expect(checked.code, checked.stdout + checked.stderr).to.equal(0);
    expect(checked.stdout).to.include('answered.yaml fits this database.');
  });
});

describe('npm run audit -- --write-binding on EspoCRM', function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let dir: string;
  let draft: string;

  before(async function () {
    if (!process.env.DATABASE_URL) {
      // No PostgreSQL server here (printed above): EspoCRM's schema loads only with psql into a server.
      console.log('      skipped: the real schemas are loaded on a real PostgreSQL server only (DATABASE_URL unset)');
      this.skip();
    }
    database = await loadRealSchema('espocrm.sql', BUILT_SCHEMAS_DIR);
    const db = knex({ client: 'pg', connection: database.url });
    try {
      // As EspoCRM keeps them: each person's addresses in email_address, linked by entity_email_address.
      await db('account').insert({ id: 'a1000000000000001', deleted: false, name: 'Bright Bakery' });
      await db('contact').insert({
        id: 'c1000000000000001',
        deleted: false,
        first_name: 'Maria',
        last_name: 'Baker',
        account_id: 'a1000000000000001',
      });
      await db('user').insert([
        { id: 'u1000000000000001', deleted: false, user_name: 'admin', type: 'admin', is_active: true, last_name: 'Admin' },
        // Maria's login to EspoCRM's own portal: a user of type portal, with her contact.
        { id: 'u1000000000000002', deleted: false, user_name: 'maria', type: 'portal', is_active: true, contact_id: 'c1000000000000001' },
      ]);
      await db('email_address').insert([
        { id: 'e1000000000000001', deleted: false, name: 'maria@bright.example', lower: 'maria@bright.example' },
        { id: 'e1000000000000002', deleted: false, name: 'admin@agency.example', lower: 'admin@agency.example' },
      ]);
      await db('entity_email_address').insert([
        { entity_id: 'c1000000000000001', email_address_id: 'e1000000000000001', entity_type: 'Contact', primary: true, deleted: false },
        { entity_id: 'u1000000000000001', email_address_id: 'e1000000000000002', entity_type: 'User', primary: true, deleted: false },
      ]);
    } finally {
      await db.destroy();
    }
    dir = mkdtempSync(join(tmpdir(), 'write-binding-'));
    ({ draft } = await draftByAudit(database.url, dir, 'espocrm.yaml'));
  });
  after(async function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it('writes nothing the format refuses but its questions: the staff asked apart from the portal logins in their table', function () {
    const problems = loaderProblems(draft, 'espocrm.yaml');
    expect(problems.filter((p) => !/^line \d+: unanswered question: /.test(p))).to.deep.equal([]);
    expect(problems).to.have.length(questionsOf(draft).length);
    const asked = new Map(questionsOf(draft).map((q) => [q.path.join('.'), q.text]));
    // EspoCRM keeps its client logins in its users table (type 'portal'): which rows are staff is asked, never assumed.
    expect(asked.get('staff.where')).to.match(
      /which rows of user are the agency's staff\? The client logins are its rows where \{"type":"portal"\}/,
    );
    // No tenant column: one agency, its id, slug and name asked.
    expect([...asked.keys()]).to.include.members(['workspace.id', 'workspace.slug', 'workspace.name']);
    // The opportunity's stage names come from its comment: quoted, not mapped.
    expect(asked.get('quotations.status.states')).to.match(
      /its comment reads "Prospecting, Qualification, Proposal, Negotiation, Closed Won, Closed Lost"/,
    );
    // Cases: which wait on the client, which are internal, and the thread the audit is unsure of, asked with what it found.
    expect(asked.get('tickets.status.states')).to.match(/its comment reads "New, Assigned, Pending, Closed, Rejected, Duplicate"/);
    expect(asked.get('tickets.where')).to.match(/is_internal boolean .* may hide rows too/);
    expect(asked.get('tickets.messages')).to.match(/The audit is unsure: public\.notification or public\.note/);
    // Articles: which clients may read, and the link to EspoCRM's own portal among the tables that point at them.
    expect(asked.get('knowledgeBase.published')).to.match(/its comment reads "Draft, In Review, Published, Archived"/);
    expect(asked.get('knowledgeBase.shownWith')).to.match(/Candidates: knowledge_base_article_portal \(by knowledge_base_article_id\)\./);
  });

  it("names the joins that reach a person's email through EspoCRM's address links, with the types found", function () {
    const asked = new Map(questionsOf(draft).map((q) => [q.path.join('.'), q.text]));
    for (const [section, table] of [
      ['contacts', 'contact'],
      ['staff', 'user'],
    ])
      expect(asked.get(`${section}.joins`)).to.include(
        `entity_email_address links records of any table to email_address by entity_id and entity_type (values found: Contact (1 row), User (1 row)): ` +
          `such as [{ table: entity_email_address, as: ee, on: { entity_id: id, entity_type: { constant: <the type of ${table}'s rows> } } }, ` +
          '{ table: email_address, as: ea, on: { id: ee.email_address_id } }], with email: ea.name, and ee.primary, ee.deleted in where',
      );
  });

  it('with only its questions answered as bindings/espocrm.yaml answers them, is that file, and check finds it fits', async function () {
    const answered = answerAsCommitted(draft, ESPOCRM);
    expect(questionsOf(answered)).to.deep.equal([]);
    const mine = parseBindingFile(answered, 'answered.yaml');
    expect(normal(mine)).to.deep.equal(normal(parseBindingFile(ESPOCRM, 'bindings/espocrm.yaml')));
    const file = join(dir, 'answered.yaml');
    writeFileSync(file, answered);
    const checked = await runPortal(['check', '--binding', file], { DATABASE_URL: database.url });
    expect(checked.code, checked.stdout + checked.stderr).to.equal(0);
    expect(checked.stdout).to.include('answered.yaml fits this database.');
    expect(checked.stdout).to.include('1 clients, 1 contacts with an email, 1 staff (1 admins)');
  });
});
