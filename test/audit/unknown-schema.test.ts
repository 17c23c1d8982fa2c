// Covers honest "not found" answers: an empty database and a schema with nothing CRM-like in it
// (a warehouse system) get missing/not checked everywhere, no guessed table, and for each concept a
// line saying what was looked at.
import { expect } from 'chai';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { conceptOf } from '../support/audit-assertions.ts';
import type { TestDatabase } from '../support/database.ts';
import { createHostDatabase, runSql } from '../support/host-fixtures.ts';

const WAREHOUSE = `
create table stock_locations (id serial primary key, code varchar(20) not null, aisle int, shelf int);
create table stock_items (id serial primary key, sku varchar(40) not null unique, weight_grams int, location_id int references stock_locations (id));
create table stock_movements (id bigserial primary key, item_id int not null references stock_items (id), quantity int not null, moved_at timestamptz not null default now());
create table forklifts (id serial primary key, serial_number varchar(40), last_service date);
`;

function expectNothingFound(report: AuditReport): void {
  for (const concept of report.concepts) {
    if (concept.id === 'permissions') continue;
    expect(concept.status, concept.id).to.equal('missing');
    expect(concept.chosenTable, concept.id).to.equal(null);
    expect(concept.lookedAt, concept.id).to.not.equal('');
    expect(concept.decision.kind, concept.id).to.equal('add');
  }
  for (const answer of report.answers) {
    expect(['missing', 'not_checked'], answer.id).to.include(answer.status);
    expect(answer.evidence.length, answer.id).to.be.greaterThan(0);
  }
  expect(report.summary.implemented).to.deep.equal([]);
  expect(report.summary.partial).to.deep.equal([]);
}

describe('audit: unknown or empty schema', () => {
  let empty: TestDatabase;
  let warehouse: TestDatabase;

  before(async () => {
    empty = await createHostDatabase('empty');
    warehouse = await createHostDatabase('empty');
    await runSql(warehouse.url, WAREHOUSE);
  });
  after(async () => {
    await empty?.drop();
    await warehouse?.drop();
  });

  it('answers missing for everything on an empty database, saying what it looked at', async () => {
    const report = await runAudit({ databaseUrl: empty.url });
    expect(report.database.hostTables).to.equal(0);
    expect(report.database.tenant).to.equal(null);
    expectNothingFound(report);
    expect(conceptOf(report, 'invoice').lookedAt).to.match(/0 host tables/);
    expect(conceptOf(report, 'invoice').lookedAt).to.match(/facture/);
    expect(conceptOf(report, 'permissions').status).to.equal('missing');
  });

  it('does not pass a warehouse schema off as a CRM', async () => {
    const report = await runAudit({ databaseUrl: warehouse.url });
    expect(report.database.hostTables).to.equal(4);
    expectNothingFound(report);
    // Candidates, if any, stay below the threshold and are reported as rejected.
    for (const concept of report.concepts) {
      for (const candidate of concept.candidates) expect(candidate.confidence, `${concept.id} ${candidate.table}`).to.be.below(0.45);
    }
    const credentials = conceptOf(report, 'clientCredentials');
    expect(credentials.lookedAt).to.match(/none found/);
  });
});
