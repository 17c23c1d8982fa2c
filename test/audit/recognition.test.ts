// Covers the recognition building blocks without a database: name tokens (prefixes, plurals,
// camelCase, compounds), column roles from names and types in several languages, links implied by
// column names when no foreign key is declared, polymorphic pairs, and the tenant column.
import { expect } from 'chai';
import type { CatalogColumn, CatalogTable } from '../../audit/catalog/types.ts';
import { columnRoles } from '../../audit/recognition/column-roles.ts';
import { bestWordMatch, coreTokens, detectTablePrefix, tokenize } from '../../audit/recognition/names.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { recognizeTableConcepts } from '../../audit/recognition/score-tables.ts';
import { TABLE_WORDS } from '../../audit/recognition/vocabulary.ts';

const TYPES: Record<string, Pick<CatalogColumn, 'type' | 'category' | 'baseType'>> = {
  int: { type: 'integer', category: 'N', baseType: 'int4' },
  bigint: { type: 'bigint', category: 'N', baseType: 'int8' },
  smallint: { type: 'smallint', category: 'N', baseType: 'int2' },
  money: { type: 'numeric(24,8)', category: 'N', baseType: 'numeric' },
  text: { type: 'text', category: 'S', baseType: 'text' },
  varchar: { type: 'character varying(128)', category: 'S', baseType: 'varchar' },
  date: { type: 'date', category: 'D', baseType: 'date' },
  ts: { type: 'timestamp with time zone', category: 'D', baseType: 'timestamptz' },
  bool: { type: 'boolean', category: 'B', baseType: 'bool' },
  bytea: { type: 'bytea', category: 'U', baseType: 'bytea' },
  uuid: { type: 'uuid', category: 'U', baseType: 'uuid' },
};

function column(name: string, kind: keyof typeof TYPES): CatalogColumn {
  const type = TYPES[kind];
  if (!type) throw new Error(kind);
  return { name, ...type, nullable: true, default: null, comment: null, enumLabels: [] };
}

function table(name: string, columns: Array<[string, keyof typeof TYPES]>, extra: Partial<CatalogTable> = {}): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns: columns.map(([n, k]) => column(n, k)),
    primaryKey: [],
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    ...extra,
  };
}

const rolesOf = (columns: Array<[string, keyof typeof TYPES]>) => {
  const roles = columnRoles(columns.map(([n, k]) => column(n, k)));
  return (role: Parameters<typeof roles.get>[0]) => (roles.get(role) ?? []).map((c) => c.name);
};

describe('audit: recognition building blocks', () => {
  it('splits identifiers into singular, accent-free words', () => {
    expect(tokenize('llx_socpeople')).to.deep.equal(['llx', 'socpeople']);
    expect(tokenize('tblInvoiceLines')).to.deep.equal(['tbl', 'invoice', 'line']);
    expect(tokenize('Companies')).to.deep.equal(['company']);
    expect(tokenize('status_addresses')).to.deep.equal(['status', 'address']);
    expect(tokenize('Gebühren_Straße')).to.deep.equal(['gebuhren', 'strasse']);
  });

  it('sets aside a prefix most tables share, but not a concept word', () => {
    const dolibarr = ['llx_societe', 'llx_socpeople', 'llx_propal', 'llx_facture', 'llx_user', 'other'];
    expect(detectTablePrefix(dolibarr, new Set())).to.equal('llx');
    expect(coreTokens('llx_facture_fourn', 'llx')).to.deep.equal(['facture', 'fourn']);
    expect(detectTablePrefix(['client_a', 'client_b', 'client_c'], new Set(['client']))).to.equal(null);
    expect(detectTablePrefix(['clients', 'contacts', 'invoices', 'tasks'], new Set())).to.equal(null);
  });

  it('matches glued words for less than whole words, and remembers what they were glued to', () => {
    expect(bestWordMatch(['facture'], TABLE_WORDS.invoice)).to.include({ word: 'facture', kind: 'exact', weight: 1 });
    expect(bestWordMatch(['facturedet'], TABLE_WORDS.invoice)).to.include({ word: 'facture', kind: 'compound', rest: 'det' });
    expect(bestWordMatch(['kundenrechnung'], TABLE_WORDS.invoice)).to.include({ word: 'rechnung', kind: 'compound' });
    expect(bestWordMatch(['stock', 'item'], TABLE_WORDS.invoice)).to.equal(null);
  });

  it('reads column roles from names in several languages and from types', () => {
    const role = rolesOf([
      ['pass_crypted', 'varchar'],
      ['password_changed_at', 'ts'],
      ['passwort_hash', 'text'],
      ['fk_statut', 'smallint'],
      ['total_ht', 'money'],
      ['betrag_cents', 'bigint'],
      ['date_lim_reglement', 'date'],
      ['faellig_am', 'date'],
      ['fin_validite', 'ts'],
      ['e_mail', 'varchar'],
      ['courriel', 'varchar'],
      ['deleted_at', 'ts'],
      ['is_inactive', 'bool'],
      ['shared_with_client', 'bool'],
      ['note_public', 'text'],
      ['share', 'varchar'],
      ['online_sign_ip', 'varchar'],
      ['inhalt', 'bytea'],
    ]);
    expect(role('password')).to.deep.equal(['pass_crypted', 'passwort_hash']);
    expect(role('status')).to.deep.equal(['fk_statut']);
    expect(role('amount')).to.deep.equal(['total_ht', 'betrag_cents']);
    expect(role('dueDate')).to.deep.equal(['date_lim_reglement', 'faellig_am']);
    expect(role('validUntil')).to.deep.equal(['fin_validite']);
    expect(role('email')).to.deep.equal(['e_mail', 'courriel']);
    expect(role('softDelete')).to.deep.equal(['deleted_at', 'is_inactive']);
    expect(role('visibility')).to.deep.equal(['shared_with_client']);
    expect(role('shareToken')).to.deep.equal(['share']);
    expect(role('signature')).to.deep.equal(['online_sign_ip']);
    expect(role('fileContent')).to.deep.equal(['inhalt']);
  });

  it('infers links from column names when no foreign key is declared, and finds polymorphic pairs', () => {
    const model = buildSchemaModel([
      table('t_entity', [
        ['rowid', 'int'],
        ['label', 'varchar'],
      ]),
      table('t_company', [
        ['rowid', 'int'],
        ['entity', 'int'],
        ['nom', 'varchar'],
        ['town', 'varchar'],
      ]),
      table('t_invoice', [
        ['rowid', 'int'],
        ['entity', 'int'],
        ['fk_company', 'int'],
        ['ref', 'varchar'],
        ['total', 'money'],
        ['due_date', 'date'],
      ]),
      table('t_note', [
        ['rowid', 'int'],
        ['entity', 'int'],
        ['element_type', 'varchar'],
        ['element_id', 'int'],
        ['body', 'text'],
      ]),
    ]);
    expect(model.prefix).to.equal('t');
    const invoice = model.byName.get('public.t_invoice');
    expect(invoice?.outgoing.map((l) => [l.columns.join(), l.to, l.declared])).to.deep.equal([
      ['entity', 'public.t_entity', false],
      ['fk_company', 'public.t_company', false],
    ]);
    expect(model.byName.get('public.t_note')?.polymorphic).to.deep.equal([{ typeColumn: 'element_type', idColumn: 'element_id' }]);
    expect(model.tenant).to.include({ column: 'entity', table: 'public.t_entity' });
    const picks = recognizeTableConcepts(model);
    expect(picks.get('invoice')?.chosen).to.equal('public.t_invoice');
    expect(picks.get('company')?.chosen).to.equal('public.t_company');
    expect(picks.get('comment')?.chosen).to.equal('public.t_note');
  });

  it('chooses nothing when the best candidate is weak, and says why', () => {
    const model = buildSchemaModel([
      table('gizmos', [
        ['id', 'int'],
        ['total', 'money'],
        ['status', 'text'],
      ]),
    ]);
    const invoice = recognizeTableConcepts(model).get('invoice');
    expect(invoice?.chosen).to.equal(null);
    expect(invoice?.candidates[0]?.table).to.equal('public.gizmos');
    expect(invoice?.candidates[0]?.confidence).to.be.below(0.45);
    expect(invoice?.candidates[0]?.reasons.join(' ')).to.match(/amount column/);
  });
});
