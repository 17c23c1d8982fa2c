// Covers, without a database, the evidence a client record needs to be reported as existing: a
// key to a sure client pick, declared or named and typed like the client table's key, and not
// contradicted by the sampled rows. A table that only its name and columns make an invoice (or
// an order) is at most "unsure", names what a developer should check, and is proposed as no claim.
import { expect } from 'chai';
import type { CatalogTable } from '../../audit/catalog/types.ts';
import { buildFindings } from '../../audit/findings/build-findings.ts';
import { type KeyUse, missingClientKey } from '../../audit/findings/client-keys.ts';
import type { Samples } from '../../audit/findings/samples.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { recognizeTableConcepts } from '../../audit/recognition/score-tables.ts';
import type { ConceptFinding, ConceptId } from '../../audit/report-schema.ts';
import { date, int, money, table, text } from '../support/catalog-tables.ts';

const clients = table('clients', [text('name'), text('address'), text('city'), text('email'), text('phone')]);
const contacts = table(
  'contacts',
  [int('client_id'), text('email'), text('first_name'), text('last_name'), text('phone')],
  [['client_id', 'clients']],
);
const INVOICE_COLUMNS = [text('invoice_number'), money('total'), date('due_date'), text('status')];

function findings(tables: CatalogTable[], keyUse?: Map<string, KeyUse | null>) {
  const model = buildSchemaModel(tables);
  const samples: Samples = { hashes: new Map(), statusValues: new Map(), kindValues: new Map(), ...(keyUse ? { keyUse } : {}) };
  return buildFindings({ model, tables: recognizeTableConcepts(model), samples });
}

function invoice(tables: CatalogTable[], keyUse?: Map<string, KeyUse | null>): ConceptFinding {
  const found = findings(tables, keyUse).get('invoice');
  if (!found) throw new Error('no invoice finding');
  return found;
}

describe('audit: a client record is the client’s only by a key', () => {
  it('keeps an invoice tied to the clients by a declared key "exists"', () => {
    const keyed = table('invoices', [int('client_id'), ...INVOICE_COLUMNS], [['client_id', 'clients']]);
    const found = invoice([clients, contacts, keyed]);
    expect(found).to.include({ chosenTable: 'public.invoices', status: 'exists' });
  });

  it('keeps an invoice whose client_id is named and typed like the clients key "exists"', () => {
    const implied = table('invoices', [int('client_id'), ...INVOICE_COLUMNS]);
    expect(invoice([clients, contacts, implied])).to.include({ chosenTable: 'public.invoices', status: 'exists' });
  });

  it('makes an invoice only its name and columns say is one "unsure", saying what to check', () => {
    const namesOnly = table('invoices', [text('customer_code'), ...INVOICE_COLUMNS]);
    const found = invoice([clients, contacts, namesOnly]);
    expect(found).to.include({ chosenTable: 'public.invoices', status: 'unsure' });
    expect(found.notes.join('\n')).to.match(/no declared or used key ties it to what it belongs to \(public\.clients/);
    expect(found.notes.join('\n')).to.match(/to check: check that the rows of public\.invoices belong to clients/);
    expect(found.decision.kind).to.equal('add');
  });

  it('makes an invoice "unsure" where the sampled rows never use its key to the clients', () => {
    const implied = table('invoices', [int('client_id'), ...INVOICE_COLUMNS]);
    const unused = new Map<string, KeyUse | null>([['public.invoices.client_id', { rows: 40, filled: 40, matched: 0 }]]);
    const found = invoice([clients, contacts, implied], unused);
    expect(found.status).to.equal('unsure');
    expect(found.notes.join('\n')).to.include('is set on none of the sampled rows');
    const used = new Map<string, KeyUse | null>([['public.invoices.client_id', { rows: 40, filled: 38, matched: 38 }]]);
    expect(invoice([clients, contacts, implied], used).status).to.equal('exists');
  });

  it('makes an order keyed to an unsure client pick "unsure", and names that pick', () => {
    const pick = (id: ConceptId, chosenTable: string, status: ConceptFinding['status']) =>
      ({ id, label: id, status, chosenTable, notes: [], evidence: [], candidates: [] }) as unknown as ConceptFinding;
    const locations = table('locations', [text('location_name'), text('address')]);
    const workOrders = table('work_orders', [int('location_id'), text('order_no'), money('total'), text('status')]);
    const model = buildSchemaModel([locations, workOrders]);
    const byId = new Map<ConceptId, ConceptFinding>([
      ['company', pick('company', 'public.locations', 'unsure')],
      ['salesOrder', pick('salesOrder', 'public.work_orders', 'exists')],
    ]);
    const samples: Samples = { hashes: new Map(), statusValues: new Map(), kindValues: new Map() };
    const missing = missingClientKey(byId.get('salesOrder') as ConceptFinding, byId, model, samples);
    expect(missing?.why).to.equal('it hangs off public.locations (location_id), whose pick is itself unsure');
    byId.set('company', pick('company', 'public.locations', 'exists'));
    expect(missingClientKey(byId.get('salesOrder') as ConceptFinding, byId, model, samples)).to.equal(null);
  });
});
