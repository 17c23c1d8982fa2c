// Covers, without a database, the rules that read "any record" where a schema spells it out rather
// than naming it: a polymorphic pivot ties a payment to the invoices it pays, a log with one
// optional key per kind of record is about any record, the agency's provider configuration is the
// payment integration rather than a client's saved card, a key column is never an amount, and two
// candidates scoring alike make a pick unsure however high they score.
import { expect } from 'chai';
import type { CatalogColumn, CatalogTable } from '../../audit/catalog/types.ts';
import { buildFindings } from '../../audit/findings/build-findings.ts';
import { calibrate } from '../../audit/findings/calibrate.ts';
import type { Samples } from '../../audit/findings/samples.ts';
import type { ConceptFinding } from '../../audit/report-schema.ts';
import { columnRoles } from '../../audit/recognition/column-roles.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { recognizeTableConcepts } from '../../audit/recognition/score-tables.ts';

const column = (name: string, type: string, category: string, baseType: string, nullable = true): CatalogColumn => ({
  name,
  type,
  category,
  baseType,
  nullable,
  default: null,
  comment: null,
  enumLabels: [],
});
const key = (name: string, nullable = true) => column(name, 'bigint', 'N', 'int8', nullable);
const text = (name: string) => column(name, 'character varying(191)', 'S', 'varchar');
const long = (name: string) => column(name, 'text', 'S', 'text');
const money = (name: string) => column(name, 'numeric(20,6)', 'N', 'numeric');
const date = (name: string) => column(name, 'date', 'D', 'date');
const stamp = (name: string) => column(name, 'timestamp without time zone', 'D', 'timestamp');

/** A table whose `*_id` columns named in `links` are declared keys to the tables given. */
function table(name: string, columns: CatalogColumn[], links: Record<string, string> = {}): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns: [key('id', false), ...columns],
    primaryKey: ['id'],
    uniques: [],
    foreignKeys: Object.entries(links).map(([col, to]) => ({
      name: `${name}_${col}_foreign`,
      columns: [col],
      references: `public.${to}`,
      referencedColumns: ['id'],
    })),
    checks: [],
    indexes: [],
  };
}

// An invoicing app: the agency's companies, its clients and their contacts, invoices and quotes,
// payments applied to invoices through a polymorphic pivot, and a fee record per online payment
// that names the invoice its fee was added to.
const companies = table('companies', [text('name'), text('portal_domain')]);
const users = table('users', [key('company_id'), text('first_name'), text('last_name'), text('email'), text('password')], {
  company_id: 'companies',
});
const clients = table('clients', [key('company_id', false), text('name'), text('website'), text('address1'), text('vat_number')], {
  company_id: 'companies',
});
const contacts = table(
  'client_contacts',
  [key('company_id', false), key('client_id', false), text('first_name'), text('last_name'), text('email'), text('phone')],
  { company_id: 'companies', client_id: 'clients' },
);
const document = (name: string) =>
  table(
    name,
    [
      key('company_id', false),
      key('client_id', false),
      text('number'),
      money('amount'),
      money('balance'),
      date('due_date'),
      key('status_id', false),
      stamp('created_at'),
    ],
    { company_id: 'companies', client_id: 'clients' },
  );
const gatewayProviders = table('gateways', [text('name'), text('provider'), text('key')]);
const companyGateways = table(
  'company_gateways',
  [key('company_id', false), key('user_id', false), text('gateway_key'), long('config'), long('fees_and_limits')],
  { company_id: 'companies', user_id: 'users' },
);
const payments = table(
  'payments',
  [
    key('company_id', false),
    key('client_id', false),
    key('company_gateway_id'),
    money('amount'),
    money('refunded'),
    date('date'),
    text('transaction_reference'),
    text('number'),
    stamp('created_at'),
  ],
  { company_id: 'companies', client_id: 'clients', company_gateway_id: 'company_gateways' },
);
const paymentables = table(
  'paymentables',
  [key('payment_id', false), key('paymentable_id', false), text('paymentable_type'), money('amount'), stamp('created_at')],
  { payment_id: 'payments' },
);
const paymentFees = table(
  'payment_hashes',
  [text('hash'), money('fee_total'), key('fee_invoice_id'), long('data'), key('payment_id'), stamp('created_at')],
  {
    payment_id: 'payments',
  },
);
const savedCards = table(
  'client_gateway_tokens',
  [
    key('company_id', false),
    key('client_id'),
    long('token'),
    key('company_gateway_id', false),
    text('gateway_customer_reference'),
    stamp('created_at'),
  ],
  { company_id: 'companies', client_id: 'clients', company_gateway_id: 'company_gateways' },
);
const tasks = table('tasks', [key('company_id', false), key('client_id'), key('assigned_user_id'), text('description'), key('status_id')], {
  company_id: 'companies',
  client_id: 'clients',
});
const systemLogs = table(
  'system_logs',
  [key('company_id', false), key('user_id'), key('client_id'), key('category_id'), key('event_id'), long('log'), stamp('created_at')],
  { company_id: 'companies', client_id: 'clients' },
);
const activities = table(
  'activities',
  [
    key('company_id', false),
    key('user_id'),
    key('client_id'),
    key('client_contact_id'),
    key('payment_id'),
    key('invoice_id'),
    key('quote_id'),
    key('task_id'),
    key('activity_type_id'),
    text('ip'),
    long('notes'),
    stamp('created_at'),
  ],
  { company_id: 'companies' },
);
const invoicing = [
  companies,
  users,
  clients,
  contacts,
  document('invoices'),
  document('quotes'),
  gatewayProviders,
  companyGateways,
  payments,
  paymentables,
  paymentFees,
  savedCards,
  tasks,
  systemLogs,
  activities,
];

const noSamples = (): Samples => ({ hashes: new Map(), statusValues: new Map(), kindValues: new Map() });

function concepts(tables: CatalogTable[]): Map<string, ConceptFinding> {
  const model = buildSchemaModel(tables);
  const findings = buildFindings({ model, tables: recognizeTableConcepts(model), samples: noSamples() });
  return new Map([...findings.values()].map((f) => [f.id, f]));
}

describe('audit: records that reach any record', () => {
  const found = concepts(invoicing);

  it('never reads a key column as an amount', () => {
    const roles = columnRoles([money('fee_total'), key('fee_invoice_id'), key('total_id'), money('amount')]);
    expect(roles.get('amount')?.map((c) => c.name)).to.deep.equal(['fee_total', 'amount']);
  });

  it('ties payments to the invoices a polymorphic pivot names, over a fee record keyed to one invoice', () => {
    const payment = found.get('payment');
    expect(payment).to.include({ status: 'exists', chosenTable: 'public.payments' });
    expect(payment?.candidates[0]?.reasons.join(' | ')).to.match(/through public\.paymentables .*paymentable_type\/paymentable_id/);
  });

  it("takes the agency's provider configuration as the payment integration, not a client's saved card", () => {
    const gateway = found.get('paymentGateway');
    expect(gateway).to.include({ status: 'exists', chosenTable: 'public.company_gateways' });
    const saved = gateway?.candidates.find((c) => c.table === 'public.client_gateway_tokens');
    expect(saved?.reasons.join(' | ')).to.match(/penalty: a client's saved payment method/);
  });

  it('reads one optional key per kind of record as a log of any record, over a log that names none', () => {
    const log = found.get('activityLog');
    expect(log).to.include({ status: 'exists', chosenTable: 'public.activities' });
    const system = log?.candidates.find((c) => c.table === 'public.system_logs');
    expect(system?.reasons.join(' | ')).to.match(/penalty: names no record its rows are about/);
  });

  it('makes a close call unsure however confident the pick', () => {
    const pick: ConceptFinding = {
      id: 'payment',
      label: 'Payments',
      status: 'exists',
      chosenTable: 'public.payment_fees',
      confidence: 0.78,
      lowConfidence: false,
      candidates: [
        { table: 'public.payment_fees', confidence: 0.78, reasons: ['name word "payment"'] },
        { table: 'public.payments', confidence: 0.75, reasons: ['name word "payment"'] },
      ],
      evidence: [],
      notes: [],
      lookedAt: 'tables named after payments',
      decision: { action: 'reuse', text: 'reuse public.payment_fees' },
    } as unknown as ConceptFinding;
    const [calibrated] = calibrate([pick]);
    expect(calibrated?.status).to.equal('unsure');
    expect(calibrated?.runnerUp?.table).to.equal('public.payments');
    const clear = calibrate([{ ...pick, candidates: [pick.candidates[0], { ...pick.candidates[1], confidence: 0.6 }] } as ConceptFinding]);
    expect(clear[0]?.status).to.equal('exists');
  });

  it('keeps a pick whose runner-up is the same kind of table (one invitation table per kind of record)', () => {
    const reasons = ['token columns key linked to public.client_contacts (client_contact_id)', 'a table of its own, one row per token'];
    const pick = {
      id: 'accessTokens',
      label: 'Access tokens',
      status: 'exists',
      chosenTable: 'public.credit_invitations',
      confidence: 0.6,
      lowConfidence: false,
      candidates: [
        { table: 'public.credit_invitations', confidence: 0.6, reasons },
        { table: 'public.invoice_invitations', confidence: 0.6, reasons: [...reasons].reverse() },
      ],
      evidence: [],
      notes: [],
      lookedAt: 'token tables',
      decision: { action: 'reuse', text: 'reuse public.credit_invitations' },
    } as unknown as ConceptFinding;
    expect(calibrate([pick])[0]?.status).to.equal('exists');
    // Another reason on the runner-up makes it another kind of table: a tie between meanings.
    const rival = { ...pick, candidates: [pick.candidates[0], { ...pick.candidates[1], reasons: [...reasons, 'has an expiry column'] }] };
    expect(calibrate([rival as ConceptFinding])[0]?.status).to.equal('unsure');
  });
});
