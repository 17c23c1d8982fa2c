// Covers, without a database, the rules that keep recognition right on CRMs it has never seen:
// encrypted secrets are not password hashes or sign-in tokens, a prefix glued to every table name
// (tblclients) is set aside, a users table with a client flag or kind yields a row filter, and
// one party table may hold both companies and their people.
import { expect } from 'chai';
import type { CatalogColumn, CatalogTable } from '../../audit/catalog/types.ts';
import { clientRowFilter } from '../../audit/findings/credentials.ts';
import type { Samples } from '../../audit/findings/samples.ts';
import { columnRoles } from '../../audit/recognition/column-roles.ts';
import { bestWordMatch, coreTokens, detectTablePrefix } from '../../audit/recognition/names.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { isPartyTable } from '../../audit/recognition/score-tables.ts';
import { TABLE_WORDS } from '../../audit/recognition/vocabulary.ts';

const text = (name: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name,
  type: 'text',
  category: 'S',
  baseType: 'text',
  nullable: true,
  default: null,
  comment: null,
  enumLabels: [],
  ...extra,
});
const int = (name: string): CatalogColumn => ({ ...text(name), type: 'integer', category: 'N', baseType: 'int4' });
const bool = (name: string): CatalogColumn => ({ ...text(name), type: 'boolean', category: 'B', baseType: 'bool' });

function table(name: string, columns: CatalogColumn[], extra: Partial<CatalogTable> = {}): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns,
    primaryKey: ['id'],
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    ...extra,
  };
}

const noSamples = (): Samples => ({ hashes: new Map(), statusValues: new Map(), kindValues: new Map() });
const names = (columns: CatalogColumn[] | undefined) => (columns ?? []).map((c) => c.name);

describe('audit: recognition of the classes that misled it', () => {
  it('tells reversible secrets from password hashes and sign-in tokens by their names', () => {
    const roles = columnRoles([
      text('password'),
      text('password_enc'),
      text('otp_secret'),
      text('api_token_enc'),
      text('pass_crypted'),
      text('reset_token'),
      text('new_pass_key'),
    ]);
    expect(names(roles.get('password'))).to.deep.equal(['password', 'pass_crypted']);
    expect(names(roles.get('storedSecret'))).to.deep.equal(['password_enc', 'otp_secret', 'api_token_enc']);
    expect(names(roles.get('secretToken'))).to.deep.equal(['reset_token', 'new_pass_key']);
    expect(names(roles.get('oneTimeCode'))).to.deep.equal([]);
  });

  it('sets aside a prefix glued to the first word, never the start of a concept word', () => {
    const perfex = ['tblclients', 'tblcontacts', 'tblinvoices', 'tblproposals', 'tblstaff'];
    expect(detectTablePrefix(perfex, new Set(['invoice', 'client']))).to.equal('tbl');
    expect(coreTokens('tblinvoicepaymentrecords', 'tbl')).to.deep.equal(['invoicepaymentrecord']);
    expect(detectTablePrefix(['invoices', 'invoice_items', 'invoice_payments', 'tasks'], new Set(['invoice']))).to.equal(null);
    // A word glued between two others still counts, for less.
    expect(bestWordMatch(['invoicepaymentrecord'], TABLE_WORDS.payment)).to.include({ word: 'payment', kind: 'compound' });
  });

  it('finds the client rows of a users table from a flag, or from the values of a kind column', () => {
    const odoo = buildSchemaModel([table('res_users', [int('id'), text('login'), text('password'), bool('share'), int('partner_id')])])
      .profiles[0];
    expect(odoo && clientRowFilter(odoo, noSamples())?.filter).to.deep.equal({ share: true });
    const espo = buildSchemaModel([
      table('user', [int('id'), text('user_name'), text('password'), text('type'), int('contact_id')], {
        checks: [
          {
            name: 'user_type_check',
            columns: ['type'],
            definition: "CHECK ((type = ANY (ARRAY['regular'::text, 'admin'::text, 'portal'::text])))",
          },
        ],
      }),
    ]).profiles[0];
    expect(espo && clientRowFilter(espo, noSamples())?.filter).to.deep.equal({ type: 'portal' });
    const sampled = buildSchemaModel([table('app_users', [int('id'), text('email'), text('password'), text('user_role')])]).profiles[0];
    const samples = noSamples();
    samples.kindValues.set('public.app_users.user_role', ['agent', 'customer']);
    expect(sampled && clientRowFilter(sampled, samples)?.filter).to.deep.equal({ user_role: 'customer' });
    expect(sampled && clientRowFilter(sampled, noSamples())).to.equal(null);
  });

  it('lets one self-linked table with a company/person column hold companies and contacts', () => {
    const partner = table('res_partner', [int('id'), text('name'), int('parent_id'), bool('is_company'), text('email')], {
      foreignKeys: [
        { name: 'res_partner_parent_id_fkey', columns: ['parent_id'], references: 'public.res_partner', referencedColumns: ['id'] },
      ],
    });
    const plain = table('contacts', [int('id'), text('name'), int('parent_id'), text('email')], {
      foreignKeys: [{ name: 'contacts_parent_id_fkey', columns: ['parent_id'], references: 'public.contacts', referencedColumns: ['id'] }],
    });
    const model = buildSchemaModel([partner, plain]);
    expect(model.profiles.map((p) => [p.table.name, isPartyTable(p)])).to.deep.equal([
      ['res_partner', true],
      ['contacts', false],
    ]);
  });
});
