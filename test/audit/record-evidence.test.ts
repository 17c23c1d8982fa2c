// Covers, without a database, the evidence beyond names the picks that are no client record need:
// the people at a client hang off the client company, a comment is written on a record, an
// activity log names what it is about and who acted, the client company is what the client records
// point at, a document is tied to some other table by a key, a payment pointing at another
// payment candidate is its detail, and a keyed part of a record scored below the bar is unsure
// rather than missing.
import { expect } from 'chai';
import { unsureBelowBar } from '../../audit/findings/below-bar.ts';
import type { CatalogTable } from '../../audit/catalog/types.ts';
import { buildFindings } from '../../audit/findings/build-findings.ts';
import { missingRecordEvidence } from '../../audit/findings/record-evidence.ts';
import type { Samples } from '../../audit/findings/samples.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { recognizeTableConcepts } from '../../audit/recognition/score-tables.ts';
import type { ConceptFinding, ConceptId } from '../../audit/report-schema.ts';
import { column, int, money, stamp, table, text } from '../support/catalog-tables.ts';

const noSamples = (): Samples => ({ hashes: new Map(), statusValues: new Map(), kindValues: new Map() });

function findings(tables: CatalogTable[]): ReadonlyMap<ConceptId, ConceptFinding> {
  const model = buildSchemaModel(tables);
  return buildFindings({ model, tables: recognizeTableConcepts(model), samples: noSamples() });
}

/** A finding as calibration sees it: a pick, its status and its candidates. */
const pick = (id: ConceptId, chosenTable: string, status: ConceptFinding['status'], candidates: string[] = []): ConceptFinding =>
  ({
    id,
    label: id,
    status,
    chosenTable,
    confidence: 0.8,
    lowConfidence: false,
    notes: [],
    evidence: [],
    candidates: [chosenTable, ...candidates].map((t, i) => ({ table: t, confidence: 0.8 - i / 10, reasons: [] })),
  }) as unknown as ConceptFinding;

const clients = table('clients', [text('name'), text('address'), text('city'), text('email'), text('phone')]);
const invoices = table(
  'invoices',
  [int('client_id'), text('invoice_number'), money('total'), column('due_date', 'date', 'D', 'date'), text('status')],
  [['client_id', 'clients']],
);

describe('audit: evidence beyond names for people, comments, logs, the client, documents and payments', () => {
  it('makes contacts that no key ties to the client companies "unsure", saying what to check', () => {
    const loose = table('contacts', [text('email'), text('first_name'), text('last_name'), text('phone')]);
    const found = findings([clients, loose, invoices]).get('contact');
    expect(found).to.include({ chosenTable: 'public.contacts', status: 'unsure' });
    expect(found?.notes.join('\n')).to.include('no key ties it to the client companies (public.clients)');
    expect(found?.notes.join('\n')).to.include('to check: check which table holds the people at each client');
    const keyed = table('contacts', [int('client_id'), text('email'), text('first_name'), text('last_name')], [['client_id', 'clients']]);
    expect(findings([clients, keyed, invoices]).get('contact')).to.include({ chosenTable: 'public.contacts', status: 'exists' });
  });

  it('holds contacts no surer than the client pick they hang off', () => {
    const model = buildSchemaModel([clients, table('people', [int('client_id'), text('email')], [['client_id', 'clients']])]);
    const byId = new Map<ConceptId, ConceptFinding>([
      ['company', pick('company', 'public.clients', 'unsure')],
      ['contact', pick('contact', 'public.people', 'exists')],
    ]);
    const contact = byId.get('contact') as ConceptFinding;
    expect(missingRecordEvidence(contact, byId, model, noSamples())?.why).to.match(
      /hangs off public\.clients, whose pick .* is itself unsure/,
    );
    byId.set('company', pick('company', 'public.clients', 'exists'));
    expect(missingRecordEvidence(contact, byId, model, noSamples())).to.equal(null);
  });

  it('makes a comment written on no record "unsure"; a key to a sure record or a pair naming any record is evidence', () => {
    const messages = table('messages', [text('body'), stamp('created_at')]);
    const onInvoice = table('notes', [int('invoice_id'), text('body')], [['invoice_id', 'invoices']]);
    const onAny = table('remarks', [text('subject_type'), int('subject_id'), text('body')]);
    const model = buildSchemaModel([clients, invoices, messages, onInvoice, onAny]);
    const byId = new Map<ConceptId, ConceptFinding>([
      ['company', pick('company', 'public.clients', 'exists')],
      ['invoice', pick('invoice', 'public.invoices', 'exists')],
    ]);
    const missing = missingRecordEvidence(pick('comment', 'public.messages', 'exists'), byId, model, noSamples());
    expect(missing?.why).to.include('no key or pair ties its rows to a record a client sees');
    expect(missing?.check).to.include('check on which records the rows of public.messages are written');
    expect(missingRecordEvidence(pick('comment', 'public.notes', 'exists'), byId, model, noSamples())).to.equal(null);
    expect(missingRecordEvidence(pick('comment', 'public.remarks', 'exists'), byId, model, noSamples())).to.equal(null);
    byId.set('invoice', pick('invoice', 'public.invoices', 'unsure'));
    expect(missingRecordEvidence(pick('comment', 'public.notes', 'exists'), byId, model, noSamples())?.why).to.include(
      'hangs off public.invoices',
    );
  });

  it('makes an activity log "unsure" that names no actor or action, or whose keys name one kind of client record', () => {
    const ledger = table('journal', [text('record_type'), int('record_id'), stamp('tran_date')]);
    const history = table(
      'invoice_events',
      [int('invoice_id'), int('user_id'), text('event_type'), stamp('occurred_at')],
      [['invoice_id', 'invoices']],
    );
    const anyRecord = table('audit_entries', [text('entity_type'), int('entity_id'), int('user_id'), text('action'), stamp('created_at')]);
    const model = buildSchemaModel([clients, invoices, ledger, history, anyRecord]);
    const byId = new Map<ConceptId, ConceptFinding>([
      ['company', pick('company', 'public.clients', 'exists')],
      ['invoice', pick('invoice', 'public.invoices', 'exists')],
    ]);
    const log = (t: string) => missingRecordEvidence(pick('activityLog', t, 'exists'), byId, model, noSamples());
    expect(log('public.journal')?.why).to.include('name no one who acted, no action and no description');
    expect(log('public.invoice_events')?.why).to.include('its rows hang off one kind only (public.invoices)');
    expect(log('public.audit_entries')).to.equal(null);
  });

  it('makes the client pick "unsure" where the client records point at another candidate as often', () => {
    const firms = table('firms', [text('name'), text('address')]);
    const parties = table('parties', [text('name'), text('address')]);
    const bills = table(
      'bills',
      [int('firm_id'), int('party_id'), money('total')],
      [
        ['firm_id', 'firms'],
        ['party_id', 'parties'],
      ],
    );
    const model = buildSchemaModel([firms, parties, bills]);
    const byId = new Map<ConceptId, ConceptFinding>([
      ['company', pick('company', 'public.firms', 'exists', ['public.parties'])],
      ['invoice', pick('invoice', 'public.bills', 'exists')],
    ]);
    const missing = missingRecordEvidence(byId.get('company') as ConceptFinding, byId, model, noSamples());
    expect(missing?.why).to.equal('the client records point at public.parties (public.bills) as often as at public.firms');
    expect(missing?.rival).to.equal('public.parties');
    // The workspace (the agency issuing the bills) is no rival.
    byId.set('workspace', pick('workspace', 'public.parties', 'exists'));
    expect(missingRecordEvidence(byId.get('company') as ConceptFinding, byId, model, noSamples())).to.equal(null);
  });

  it('makes a payment pick that points at another payment candidate "unsure": it is that table’s detail', () => {
    const payments = table('payments', [money('amount'), stamp('paid_at')]);
    const hashes = table('payment_hashes', [int('payment_id'), text('hash'), money('fee_total')], [['payment_id', 'payments']]);
    const model = buildSchemaModel([payments, hashes]);
    const byId = new Map<ConceptId, ConceptFinding>();
    const detail = missingRecordEvidence(pick('payment', 'public.payment_hashes', 'exists', ['public.payments']), byId, model, noSamples());
    expect(detail?.why).to.include('it points at public.payments (payment_id), another candidate for payment');
    expect(detail?.rival).to.equal('public.payments');
    expect(
      missingRecordEvidence(pick('payment', 'public.payments', 'exists', ['public.payment_hashes']), byId, model, noSamples()),
    ).to.equal(null);
  });

  it('makes a document pick no key ties to any other table "unsure"; a key either way is evidence', () => {
    const store = table('attachments', [text('parent_type'), int('parent_id'), text('file_name'), int('size')]);
    const files = table('files', [int('folder_id'), text('file_name'), int('size')], [['folder_id', 'folders']]);
    const folders = table('folders', [text('name')]);
    const shared = table('documents', [text('title'), text('path')]);
    const shares = table(
      'document_shares',
      [int('document_id'), int('client_id')],
      [
        ['document_id', 'documents'],
        ['client_id', 'clients'],
      ],
    );
    const model = buildSchemaModel([clients, store, files, folders, shared, shares]);
    const byId = new Map<ConceptId, ConceptFinding>([['company', pick('company', 'public.clients', 'exists')]]);
    const missing = missingRecordEvidence(pick('document', 'public.attachments', 'exists'), byId, model, noSamples());
    expect(missing?.why).to.include('no key declared or used ties its rows to any other table');
    expect(missing?.check).to.include('which table holds the documents shared with a client');
    expect(missingRecordEvidence(pick('document', 'public.files', 'exists'), byId, model, noSamples())).to.equal(null);
    expect(missingRecordEvidence(pick('document', 'public.documents', 'exists'), byId, model, noSamples())).to.equal(null);
  });

  it('makes a missing order line whose candidate hangs off the sure order pick by a key "unsure", naming it', () => {
    const orders = table('orders', [text('order_no')]);
    const lines = table('order_rows', [int('order_id'), money('price')], [['order_id', 'orders']]);
    const loose = table('rows', [money('price')]);
    const model = buildSchemaModel([orders, lines, loose]);
    const missing = (candidates: string[]) =>
      ({
        ...pick('orderLine', '', 'missing', []),
        chosenTable: null,
        candidates: candidates.map((t) => ({ table: t, confidence: 0.35, reasons: [] })),
      }) as unknown as ConceptFinding;
    const [, keyed] = unsureBelowBar(
      [pick('salesOrder', 'public.orders', 'exists'), missing(['public.rows', 'public.order_rows'])],
      model,
      noSamples(),
    );
    expect(keyed).to.include({ status: 'unsure', chosenTable: 'public.order_rows' });
    expect(keyed?.notes.join('\n')).to.include('to check: check whether public.order_rows holds the orderline');
    const [, none] = unsureBelowBar([pick('salesOrder', 'public.orders', 'exists'), missing(['public.rows'])], model, noSamples());
    expect(none).to.include({ status: 'missing', chosenTable: null });
    const [, unsureParent] = unsureBelowBar(
      [pick('salesOrder', 'public.orders', 'unsure'), missing(['public.order_rows'])],
      model,
      noSamples(),
    );
    expect(unsureParent?.status).to.equal('missing');
  });

  it('makes a missing proposal whose candidate has every expected column and a key to the sure client "unsure"', () => {
    const deals = table('deals', [int('client_id'), money('total')], [['client_id', 'clients']]);
    const contracts = table('agreements', [int('client_id'), money('total')], [['client_id', 'clients']]);
    const model = buildSchemaModel([clients, deals, contracts]);
    const every = [
      'has an amount column: total',
      'has a status column: state',
      'has a number/reference column: ref',
      'has a validity date: valid_until',
      'has a title or text: note',
      'can be signed or accepted by the recipient: signed_at',
    ];
    const missing = (reasons: string[]) =>
      ({
        ...pick('proposal', '', 'missing'),
        chosenTable: null,
        candidates: ['public.agreements', 'public.deals'].map((t) => ({ table: t, confidence: 0.3, reasons })),
      }) as unknown as ConceptFinding;
    const sure = [pick('company', 'public.clients', 'exists'), pick('contract', 'public.agreements', 'exists')];
    const [, , full] = unsureBelowBar([...sure, missing(every)], model, noSamples());
    // The contract pick's table is the contract's: the next candidate is named.
    expect(full).to.include({ status: 'unsure', chosenTable: 'public.deals' });
    const [, , partial] = unsureBelowBar([...sure, missing(every.slice(1))], model, noSamples());
    expect(partial).to.include({ status: 'missing', chosenTable: null });
  });
});
