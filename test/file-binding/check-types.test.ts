// `check` on a value given a column of the wrong type: a fixed workspace's id that the sections'
// uuid workspace columns cannot hold, an amount given a timestamp, a date given an amount. Each is
// the file's problem, with its line and what the key expects, never a statement PostgreSQL refused.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { checkBindingFile } from '../../plugins/file-binding/check.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildSmallCrm, smallCrmFile } from './small-crm.ts';

describe('binding file check: columns of the wrong type', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Knex;
  let dir: string;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await buildSmallCrm(db);
    dir = mkdtempSync(path.join(tmpdir(), 'check-types-'));
  });

  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await db?.destroy();
    await database?.drop();
  });

  const check = (text: string) => {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    return checkBindingFile(db, file);
  };

  it('reads the file whose values fit their columns', async function () {
    const report = await check(smallCrmFile());
    expect(report.problems).to.deep.equal([]);
    expect(report.lines.join('\n')).to.contain('invoices: B-1 open 100.00 EUR; B-2 paid 50.00 EUR');
  });

  it("says a fixed workspace's id is the value of the sections' workspace columns, on its line", async function () {
    const report = await check(smallCrmFile({ workspaceId: '1' }));
    expect(report.problems).to.have.length(1);
    const [problem] = report.problems;
    expect(problem).to.match(/^line 3: workspace\.id: "1" is not a uuid, as clients\.workspace \(companies\.agency_id, line 4\)/);
    expect(problem).to.contain('invoices.workspace (bills.agency_id, line 10)');
    expect(problem).to.contain("id is the value those columns hold for the agency's rows");
    expect(problem).not.to.match(/select|invalid input syntax/);
  });

  it('says an amount given a timestamp column is an amount, on its line', async function () {
    const report = await check(smallCrmFile({ paid: 'settled_at' }));
    expect(report.problems).to.deep.equal([
      'line 18: invoices.paid: bills.settled_at is a timestamp with time zone column, and paid is an amount: give it a number column (or text holding a number)',
    ]);
  });

  it("checks the parts of a sum and a map's else, and a date given an amount", async function () {
    const text = smallCrmFile({ paid: '{ map: state, values: { unpaid: "0" }, else: { sum: [gross, settled_at] } }' }).replace(
      'due: due',
      'due: gross',
    );
    const report = await check(text);
    expect(report.problems).to.deep.equal([
      'line 18: invoices.paid.else.sum.1: bills.settled_at is a timestamp with time zone column, and paid is an amount: give it a number column (or text holding a number)',
      'line 17: invoices.due: bills.gross is a numeric column, and due is a date: give it a date or timestamp column (or text holding a date)',
    ]);
  });

  it("checks each source of an invoice's payments: its table and columns, and their types, on its lines", async function () {
    // Each bill read as its own payment: a first source that fits, then a second given the wrong columns.
    const payments = (second: string) =>
      `${smallCrmFile()}  payments:\n    - { table: bills, key: id, invoice: id, amount: gross, date: settled_at }\n    - ${second}\n`;
    const named = "{ table: bills, key: id, id: { concat: [{ constant: s }, id], separator: '-' }, invoice: id";
    const typed = await check(payments(`${named}, amount: settled_at, date: gross }`));
    expect(typed.problems).to.deep.equal([
      'line 20: invoices.payments.1.amount: bills.settled_at is a timestamp with time zone column, and amount is an amount: give it a number column (or text holding a number)',
      'line 20: invoices.payments.1.date: bills.gross is a numeric column, and date is a date: give it a date or timestamp column (or text holding a date)',
    ]);
    const missing = await check(payments(`${named}, amount: credited, date: settled_at }`));
    expect(missing.problems).to.deep.equal(['payment: public.bills.credited does not exist']);
    const fitting = await check(payments(`${named}, amount: gross, date: settled_at }`));
    expect(fitting.problems).to.deep.equal([]);
  });

  it('says what the database refused as a problem of the file, without the statement', async function () {
    // A text column holding what is no number passes the types, and is refused by the rows.
    await db.raw('alter table bills add column note text');
    await db('bills').update({ note: 'see contract' });
    const report = await check(smallCrmFile({ paid: 'note' }));
    expect(report.problems).to.have.length(1);
    expect(report.problems[0]).to.match(
      /^the database refused a statement the file makes \(invalid input syntax for type numeric: "see contract"; PostgreSQL error 22P02\)/,
    );
    expect(report.problems[0]).not.to.contain('select');
  });
});
