// D. Backend support, as far as the schema shows it: client authentication, tokens, lookups scoped by
// workspace, record permissions, payment integration.
import type { Answer, Evidence, Status } from '../report-schema.ts';
import { answer, concept, decisionFor, evidenceOf, type AnswerContext } from './answer-context.ts';

export function backendAnswers(context: AnswerContext): Answer[] {
  const credentials = concept(context, 'clientCredentials');
  const codes = concept(context, 'clientLoginCodes');
  const tokens = concept(context, 'accessTokens');
  const permissions = concept(context, 'permissions');
  const gateway = concept(context, 'paymentGateway');
  const payments = concept(context, 'payment');

  const d1 = answer(
    'D1',
    'Is there client authentication in the backend?',
    credentials.status,
    [...evidenceOf(credentials, 4), ...(codes.status === 'exists' ? evidenceOf(codes, 2) : [])],
    decisionFor(credentials.status, {
      keep: `keep the host's client authentication data (${credentials.chosenTable}); the adapter verifies sign-in against it and the portal keeps its own session cookie`,
      complete: credentials.decision.text,
      add: 'add client authentication: client_users (argon2id), client_login_codes, client_sessions (separate cookie, regenerated at sign-in), rate limits in portal_rate_limits',
    }),
    ['clientCredentials', 'clientLoginCodes'],
  );

  const d2 = answer(
    'D2',
    'Is there token generation (invitations, resets, sign-in links)?',
    tokens.status,
    evidenceOf(tokens, 6),
    tokens.decision,
    ['accessTokens'],
  );

  // D3: client and contact rows carry the tenant (directly, or through their company).
  const tenant = context.model.tenant;
  const company = concept(context, 'company');
  const contact = concept(context, 'contact');
  const d3Evidence: Evidence[] = [];
  let scoped = 0;
  let wanted = 0;
  for (const finding of [company, contact]) {
    const profile = finding.chosenTable ? context.model.byName.get(finding.chosenTable) : undefined;
    if (!profile) continue;
    wanted += 1;
    const direct = tenant ? profile.table.columns.find((c) => c.name === tenant.column) : undefined;
    const viaCompany = !direct && company.chosenTable ? profile.outgoing.find((l) => l.to === company.chosenTable) : undefined;
    if (direct) {
      scoped += 1;
      d3Evidence.push({
        kind: 'column',
        ref: `${profile.qualified}.${direct.name}`,
        detail: `tenant column (${direct.type}), on ${tenant?.tables} of ${tenant?.of} host tables`,
      });
      const index = profile.table.indexes.find((i) => i.columns[0] === direct.name);
      if (index)
        d3Evidence.push({
          kind: 'index',
          ref: index.name,
          detail: `lookups by tenant are indexed: (${index.columns.map((c) => c ?? 'expression').join(', ')})`,
        });
    } else if (viaCompany && company.chosenTable && scopedTable(context, company.chosenTable)) {
      scoped += 1;
      d3Evidence.push({
        kind: 'column',
        ref: `${profile.qualified}.${viaCompany.columns.join(', ')}`,
        detail: `scoped through its company (${viaCompany.to})`,
      });
    } else {
      d3Evidence.push({
        kind: 'absence',
        ref: profile.qualified,
        detail: tenant ? `no ${tenant.column} column and no link to a scoped company` : 'no tenant column in the schema',
      });
    }
  }
  if (tenant?.table) d3Evidence.push({ kind: 'table', ref: tenant.table, detail: `tenant table (${tenant.column} points here)` });
  const d3Status: Status = !tenant || wanted === 0 ? 'missing' : scoped === wanted ? 'exists' : scoped > 0 ? 'partial' : 'missing';
  if (!tenant)
    d3Evidence.push({
      kind: 'absence',
      ref: 'schema',
      detail: 'no column carried by a large part of the schema names a workspace/tenant/entity',
    });
  const d3 = answer(
    'D3',
    'Are client lookups workspace-aware?',
    d3Status,
    d3Evidence,
    decisionFor(d3Status, {
      keep: `the adapter scopes every client and contact lookup by ${tenant?.column} in the query`,
      complete: `the adapter scopes lookups by ${tenant?.column} where the row has it and through the company link where it does not`,
      add: 'single-tenant schema: the adapter presents one workspace and the portal still scopes every query by it',
    }),
    ['workspace', 'company', 'contact'],
  );

  const d4 = answer(
    'D4',
    'Are there proposal/quotation/invoice permissions for clients?',
    permissions.status,
    evidenceOf(permissions, 8),
    permissions.decision,
    ['permissions'],
  );

  const d5Status: Status = gateway.status === 'exists' ? 'exists' : payments.status === 'exists' ? 'partial' : 'missing';
  const d5 = answer(
    'D5',
    'Is there a payment integration?',
    d5Status,
    [...evidenceOf(gateway, 4), ...(payments.status === 'exists' ? evidenceOf(payments, 3) : [])],
    decisionFor(d5Status, {
      keep: `keep the host's payment integration (${gateway.chosenTable}); invoices in the portal link to it`,
      complete: `payments are recorded (${payments.chosenTable}) but the host takes none online; the portal takes them through Stripe behind allow_online_payments and records each through the adapter`,
      add: gateway.decision.text,
    }),
    ['paymentGateway', 'payment'],
  );

  return [d1, d2, d3, d4, d5];
}

function scopedTable(context: AnswerContext, table: string): boolean {
  const tenant = context.model.tenant;
  return Boolean(tenant && context.model.byName.get(table)?.table.columns.some((c) => c.name === tenant.column));
}
