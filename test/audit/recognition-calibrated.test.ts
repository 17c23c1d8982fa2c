// Covers, without a database, the rules that keep a CRM's look-alike records from being reported
// as existing portal concepts: a sales pipeline record is at most an unsure proposal, a store of
// every record's files gives way to the documents tied to clients, portal users kept in the users
// table by a type listed in a column comment are the client logins, string keys link tables, and
// a comment written by a login that may be a client's lets clients comment.
import { expect } from 'chai';
import type { CatalogColumn, CatalogTable } from '../../audit/catalog/types.ts';
import { buildFindings } from '../../audit/findings/build-findings.ts';
import { commentValues, type Samples } from '../../audit/findings/samples.ts';
import { answerQuestions } from '../../audit/questions/answer-questions.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { recognizeTableConcepts } from '../../audit/recognition/score-tables.ts';

// Keys as some ORMs make them: a generated string of 17 characters.
const key = (name: string): CatalogColumn => ({
  name,
  type: 'character varying(17)',
  category: 'S',
  baseType: 'varchar',
  nullable: name !== 'id',
  default: null,
  comment: null,
  enumLabels: [],
});
const text = (name: string, comment: string | null = null): CatalogColumn => ({
  ...key(name),
  type: 'character varying(255)',
  nullable: true,
  comment,
});
const long = (name: string): CatalogColumn => ({ ...text(name), type: 'text', baseType: 'text' });
const int = (name: string): CatalogColumn => ({ ...text(name), type: 'integer', category: 'N', baseType: 'int4' });
const money = (name: string): CatalogColumn => ({ ...text(name), type: 'numeric(13,4)', category: 'N', baseType: 'numeric' });
const date = (name: string): CatalogColumn => ({ ...text(name), type: 'date', category: 'D', baseType: 'date' });
const stamp = (name: string): CatalogColumn => ({
  ...text(name),
  type: 'timestamp without time zone',
  category: 'D',
  baseType: 'timestamp',
});

function table(name: string, columns: CatalogColumn[]): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns: [key('id'), ...columns],
    primaryKey: ['id'],
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
  };
}

const noSamples = (): Samples => ({ hashes: new Map(), statusValues: new Map(), kindValues: new Map() });

/** The findings and answers for a schema, as runAudit builds them, with no data to sample. */
function audit(tables: CatalogTable[]): Pick<AuditReport, 'concepts' | 'answers'> {
  const model = buildSchemaModel(tables);
  const findings = buildFindings({ model, tables: recognizeTableConcepts(model), samples: noSamples() });
  return { concepts: [...findings.values()], answers: answerQuestions({ findings, routes: null, model }) };
}

function conceptIn(report: Pick<AuditReport, 'concepts'>, id: string) {
  const found = report.concepts.find((c) => c.id === id);
  if (!found) throw new Error(`no concept ${id}`);
  return found;
}

// A CRM of accounts and contacts, its staff and portal users in one table, with a stream of notes.
const account = table('account', [
  text('name'),
  text('website'),
  text('billing_address_street'),
  text('billing_address_city'),
  text('type', 'Customer, Investor, Partner, Reseller'),
  stamp('created_at'),
]);
const contact = table('contact', [text('first_name'), text('last_name'), key('account_id'), text('address_city'), stamp('created_at')]);
const user = table('user', [
  text('user_name'),
  text('first_name'),
  text('last_name'),
  text('type', 'regular, admin, portal, system'),
  text('password'),
  key('contact_id'),
]);
const note = table('note', [long('post'), text('parent_type'), key('parent_id'), key('created_by_id'), stamp('created_at')]);
const crm = [account, contact, user, note];

describe('audit: calibrated on the records that look like portal concepts', () => {
  it('links tables by short string keys of the same type, never by a value or free text', () => {
    const country = table('country', [text('name')]);
    const model = buildSchemaModel([
      account,
      country,
      table('lead', [key('account_id'), { ...key('country'), type: 'character varying(17)' }, long('campaign_id')]),
    ]);
    const lead = model.byName.get('public.lead');
    expect(lead?.outgoing.map((l) => [l.columns.join(), l.to])).to.deep.equal([['account_id', 'public.account']]);
  });

  it('reads the values a column comment lists, not a sentence', () => {
    expect(commentValues('regular, admin, portal, system')).to.deep.equal(['regular', 'admin', 'portal', 'system']);
    expect(commentValues('State: draft, quotation, confirmed')).to.deep.equal(['draft', 'quotation', 'confirmed']);
    expect(commentValues('The user who created the record, or the system when imported')).to.deep.equal([]);
  });

  it('takes portal users kept in the users table, by a type listed in a comment, as the client logins', () => {
    const report = audit(crm);
    expect(conceptIn(report, 'clientCredentials')).to.include({ status: 'exists', chosenTable: 'public.user' });
    expect(conceptIn(report, 'clientCredentials').rowFilter).to.deep.equal({ type: 'portal' });
    expect(report.answers.find((a) => a.id === 'A1')?.status).to.equal('exists');
  });

  it('lets clients comment where a comment is written by a login that may be a client', () => {
    const report = audit(crm);
    expect(conceptIn(report, 'comment')).to.include({ status: 'exists', chosenTable: 'public.note' });
    const b8 = report.answers.find((a) => a.id === 'B8');
    expect(b8?.status).to.equal('exists');
    expect(b8?.evidence.map((e) => e.ref)).to.include('public.note.created_by_id');
    expect(report.answers.find((a) => a.id === 'F2')?.status).to.equal('exists');
  });

  it('makes a sales pipeline record at most an unsure proposal, naming why and the runner-up', () => {
    const opportunity = table('opportunity', [
      text('name'),
      money('amount'),
      key('account_id'),
      key('contact_id'),
      text('stage', 'Prospecting, Qualification, Proposal, Negotiation, Closed Won, Closed Lost'),
      int('probability'),
      date('close_date'),
      long('description'),
    ]);
    const lead = table('lead', [text('first_name'), text('status'), money('opportunity_amount'), key('created_account_id')]);
    const report = audit([...crm, opportunity, lead]);
    for (const id of ['proposal', 'quotation'] as const) {
      const pick = conceptIn(report, id);
      expect(pick.status, id).to.not.equal('exists');
      if (pick.status === 'unsure') expect(pick.notes.join(' '), id).to.match(/sales pipeline record/);
    }
    expect(conceptIn(report, 'acceptance').status).to.not.equal('exists');
    expect(report.answers.find((a) => a.id === 'B1')?.status).to.not.equal('exists');
  });

  it('keeps a numbered proposal with line items a proposal, whatever its stage', () => {
    const proposal = table('proposal', [
      text('ref'),
      key('account_id'),
      money('total'),
      text('stage', 'draft, sent, accepted, declined'),
      int('probability'),
      date('close_date'),
    ]);
    const lines = table('proposal_line', [key('proposal_id'), money('amount'), long('description')]);
    const report = audit([...crm, proposal, lines]);
    expect(conceptIn(report, 'proposal')).to.include({ status: 'exists', chosenTable: 'public.proposal' });
  });

  it("prefers a client's documents to the store of every record's files, and keeps the store where it is all there is", () => {
    const attachment = table('attachment', [
      text('name'),
      text('parent_type'),
      key('parent_id'),
      text('storage_file_path'),
      int('size'),
      stamp('created_at'),
    ]);
    const document = table('document', [text('name'), key('file_id'), text('status'), date('publish_date'), stamp('created_at')]);
    const accountDocument = { ...table('account_document', [key('account_id'), key('document_id')]), primaryKey: ['id'] };
    const report = audit([...crm, attachment, document, accountDocument]);
    const documents = conceptIn(report, 'document');
    expect(documents).to.include({ status: 'exists', chosenTable: 'public.document' });
    expect(documents.candidates.find((c) => c.table === 'public.attachment')?.reasons.join(' ')).to.match(/files of any record/);

    const alone = conceptIn(audit([...crm, attachment]), 'document');
    expect(alone).to.include({ chosenTable: 'public.attachment' });
    expect(alone.candidates[0]?.reasons.join(' ')).to.not.match(/files of any record/);
  });
});
