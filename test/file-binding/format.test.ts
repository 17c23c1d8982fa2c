// The binding file's own rules, without a database: mistakes said with their line, and declared
// statements that bind every parameter, stay one statement, and must name their scope.
import { expect } from 'chai';
import { BindingFileError, parseBindingFile } from '../../plugins/file-binding/load.ts';
import { parseStatement, parseWrite } from '../../plugins/file-binding/statements.ts';

const MINIMAL = `binding: 1
crm: Tiny CRM
workspace: { id: 1, slug: tiny, name: Tiny Agency }
clients: { table: companies, key: id, name: name }
contacts: { table: people, key: id, client: company_id, email: email, name: full_name }
staff: { table: users, key: id, email: email, name: name, password: { column: pass, format: bcrypt } }
`;

function problemsOf(text: string): string[] {
  try {
    parseBindingFile(text, 'crm.yaml');
  } catch (err) {
    if (err instanceof BindingFileError) return err.problems;
    throw err;
  }
  return [];
}

describe('binding file format', function () {
  it('reads a minimal file', function () {
    const file = parseBindingFile(MINIMAL, 'crm.yaml');
    expect(file.workspace).to.deep.equal({ id: '1', slug: 'tiny', name: 'Tiny Agency' });
    expect(file.contacts.client).to.equal('company_id');
  });

  it("says what a knowledge base section lacks: what is published, the body's format, one way to an article's category", function () {
    const section = (text: string) => `${MINIMAL}knowledgeBase:\n${text}`;
    const base = '  table: articles\n  key: id\n  title: title\n  body: body\n';
    expect(problemsOf(section(`${base}  published: { status: live }\n  format: html\n`))).to.deep.equal([]);
    const problems = problemsOf(section(`${base}  published: {}\n  format: rtf\n`)).join('\n');
    expect(problems).to.contain('published needs at least one column').and.to.contain('format is html, markdown or text');
    expect(
      problemsOf(
        section(`${base}  published: { status: live }\n  format: html\n  categories: { table: topics, key: id, name: name }\n`),
      ).join('\n'),
    ).to.contain("an article's category is either knowledgeBase.category (one per article) or categories.link");
    expect(problemsOf(section(`${base}  published: { status: live }\n  format: text\n  category: topic_id\n`)).join('\n')).to.contain(
      'category names a key of knowledgeBase.categories',
    );
  });

  it('names the line and what is expected for each mistake, all at once', function () {
    const problems = problemsOf(
      MINIMAL.replace('key: id, name: name }', 'key: id }')
        .replace('format: bcrypt', 'format: sha1')
        .replace('table: people', 'table: "people; drop table x"'),
    );
    expect(problems).to.include('line 4: clients.name: missing');
    expect(problems).to.include('line 6: staff.password.format: format is one of bcrypt, php, argon2id, md5');
    expect(problems.some((p) => p.startsWith('line 5: contacts.table: a table must be a plain name'))).to.equal(true, problems.join('\n'));
  });

  it("says a map's values are text to quote, where YAML read a number, and a form that fits none as such", function () {
    const invoices = (paid: string) =>
      `${MINIMAL}invoices: { table: bills, key: id, client: company_id, number: ref, status: { column: state, states: { paid: [paid] } }, currency: cur, total: gross, date: day, paid: ${paid} }\n`;
    expect(problemsOf(invoices("{ map: state, values: { paid: 1 }, otherwise: '0' }"))).to.deep.equal([
      "line 7: invoices.paid: a map's values are text, quoted: write paid: '1', not paid: 1",
    ]);
    expect(problemsOf(invoices("{ map: state, values: { paid: '1' }, otherwise: 0 }"))).to.deep.equal([
      "line 7: invoices.paid: a map's values are text, quoted: write otherwise: '0', not otherwise: 0",
    ]);
    expect(problemsOf(invoices("{ map: state, values: { unpaid: '0' }, else: gross }"))).to.deep.equal([]);
    expect(problemsOf(invoices('{ plus: [gross] }'))).to.deep.equal([
      'line 7: invoices.paid: not one of the forms this key takes (see docs/bind-your-crm.md)',
    ]);
  });

  it("reads an invoice's payments from one source or several, and says what a source lacks with its line", function () {
    const invoices = (payments: string) =>
      `${MINIMAL}invoices:
  table: bills
  key: id
  client: company_id
  number: ref
  status: { column: state, states: { open: [open] } }
  currency: { constant: EUR }
  total: gross
  date: day
  payments:${payments}\n`;
    const payment = '{ table: payments, key: id, invoice: bill_id, amount: amount, date: paid_on }';
    const credit =
      "{ table: credits, key: id, id: { concat: [{ constant: credit }, id], separator: '-' }, invoice: bill_id, amount: amount, date: made_on }";
    const list = (...sources: string[]) => sources.map((source) => `\n    - ${source}`).join('');
    expect(parseBindingFile(invoices(` ${payment}`), 'crm.yaml').invoices?.payments).to.deep.include({ table: 'payments' });
    const both = parseBindingFile(invoices(list(payment, credit)), 'crm.yaml').invoices?.payments;
    expect(Array.isArray(both) && both.map((source) => source.table)).to.deep.equal(['payments', 'credits']);
    // A mistake in the second source is said at its line, as in a single one, not as a form that fits none.
    expect(problemsOf(invoices(list(payment, credit.replace('amount: amount, ', ''))))).to.deep.equal([
      'line 18: invoices.payments.1.amount: missing',
    ]);
    expect(problemsOf(invoices(list(payment, credit.replace('table: credits', 'table: "credits; drop"'))))[0]).to.match(
      /^line 18: invoices\.payments\.1\.table: a table must be a plain name/,
    );
    // Two sources numbered by their keys alone could give two payments of an invoice one id.
    expect(problemsOf(invoices(list(payment, payment.replace('payments', 'credits'))))).to.deep.equal([
      "line 18: invoices.payments.1: give id: a value naming this source's rows apart from the others' (id: { concat: [{ constant: credit }, rowid], separator: '-' }); in a list, one source at most goes by its key alone",
    ]);
    expect(problemsOf(invoices(' []'))[0]).to.match(/^line 16: invoices\.payments: payments lists at least one source/);
  });

  it('reads staff passwords in md5, and refuses md5 for contacts, whose passwords the portal writes', function () {
    const file = parseBindingFile(MINIMAL.replace('format: bcrypt', 'format: md5'), 'crm.yaml');
    expect(file.staff?.password.format).to.equal('md5');
    const contacts = MINIMAL.replace('name: full_name }', 'name: full_name, password: { column: pass, format: md5 } }');
    expect(problemsOf(contacts)).to.deep.equal([
      'line 5: contacts.password.format: format is one of bcrypt, php, argon2id (md5 is read for staff only: the portal never writes an unsalted hash)',
    ]);
  });

  it('reads a table named with a leading digit, and sums, products and signs of amounts', function () {
    const file = parseBindingFile(
      `${MINIMAL.replace('table: companies', 'table: 0_debtors_master')}invoices:
  table: public.0_debtor_trans
  key: trans_no
  client: debtor_no
  number: reference
  status: { column: { sign: { sum: [ov_amount, ov_gst], minus: [alloc] } }, states: { open: [1], paid: [0, -1] } }
  currency: { constant: EUR }
  total: { sum: [ov_amount, ov_gst] }
  date: tran_date
  lines: { table: 0_debtor_trans_details, key: id, parent: debtor_trans_no, description: description, quantity: quantity, unitPrice: unit_price, discountPercent: { product: [discount_percent, { constant: 100 }] } }
`,
      'crm.yaml',
    );
    expect(file.clients.table).to.equal('0_debtors_master');
    expect(file.invoices?.table).to.equal('public.0_debtor_trans');
    expect(file.invoices?.total).to.deep.equal({ sum: ['ov_amount', 'ov_gst'] });
    expect(problemsOf(MINIMAL.replace('name: name }', 'name: { product: [price] } }'))).to.deep.equal([
      'line 4: clients.name.product: Too small: expected array to have >=2 items',
    ]);
    expect(problemsOf(MINIMAL.replace('table: companies', 'table: "0-debtors"'))[0]).to.match(
      /^line 4: clients\.table: a table must be a plain name/,
    );
  });

  it('refuses YAML that does not parse, with its line, and a duplicate key', function () {
    expect(problemsOf(`${MINIMAL}clients: {}\n`)[0]).to.match(/^line 7: Map keys must be unique/);
    expect(problemsOf('binding: 1\ncrm: [unclosed\n')[0]).to.match(/^line \d: /);
  });

  it('wants either one fixed workspace or a table of them, and then each concept says whose it is', function () {
    const both = problemsOf(MINIMAL.replace('clients:', 'workspaces: { table: companies, key: id, slug: slug, name: name }\nclients:'));
    expect(both).to.include('line 3: workspace: give either workspace (one, fixed) or workspaces (a table), not both or neither');
    const table = problemsOf(MINIMAL.replace(/^workspace:.*$/m, 'workspaces: { table: agencies, key: id, slug: slug, name: name }'));
    expect(table).to.include(
      'line 4: clients.workspace: clients needs workspace: the column that says whose it is, as workspaces is a table',
    );
  });

  it('refuses every value still marked as a question, with its line, once, even where it would pass for a value', function () {
    // crm takes any text and name a column: a question there would be served as a CRM's name or a
    // column's, so it is refused for what it is; where the format also objects, the question alone is said.
    const asked = MINIMAL.replace('crm: Tiny CRM', 'crm: "QUESTION: what is this CRM called?"')
      .replace('name: name }', 'name: "QUESTION: which column holds the name? (companies: candidates name, label)" }')
      .replace('format: bcrypt', 'format: "QUESTION: which hash format?"');
    const problems = problemsOf(`${asked}proposals:\n  table: "QUESTION: is offers the table of proposals?"\n`);
    expect(problems.slice(0, 4)).to.deep.equal([
      'line 2: unanswered question: what is this CRM called?',
      'line 4: unanswered question: which column holds the name? (companies: candidates name, label)',
      'line 6: unanswered question: which hash format?',
      'line 8: unanswered question: is offers the table of proposals?',
    ]);
    // What is wrong besides the questions is still said (a proposals section needs more than a table).
    expect(problems.slice(4)).to.include('line 8: proposals.client: missing');
    expect(problems.slice(4).filter((p) => !p.startsWith('line 8: proposals.') || /crm|clients|staff|table:/.test(p))).to.deep.equal([]);
    // Once answered, the file reads.
    expect(problemsOf(MINIMAL)).to.deep.equal([]);
  });
  it("reads settings only in the documents' details, and says what a letterhead, a bank and a VAT mention need", function () {
    const INVOICES = `invoices:
  table: invoices
  key: id
  client: company_id
  number: number
  status: { column: state, states: { open: [1], paid: [2] } }
  currency: { constant: EUR }
  total: total
  date: issued_on
`;
    const letterhead = `letterhead:
  seller: { legalName: { setting: COMPANY_NAME }, address: { country: { split: { setting: COUNTRY }, by: ':', part: 3 } } }
  buyer: { address: { street: street, countryCode: country } }
  countries: whenDifferent
`;
    // A setting read without a settings table, and one read where no setting may be.
    const problems = problemsOf(`${MINIMAL}${INVOICES.replace('number: number', 'number: { setting: NEXT_NUMBER }')}${letterhead}`);
    expect(problems).to.include('line 11: invoices.number: a setting is read only in letterhead, invoices.bank and invoices.vatExemption');
    expect(problems).to.include(
      'line 17: letterhead.seller.legalName: a setting is read from the settings table: add settings (table, name, value)',
    );
    const file = parseBindingFile(
      `${MINIMAL}settings: { table: config, name: key, value: val, workspace: company, shared: [0] }
${letterhead}${INVOICES}  bank:
    when: { anyOf: [{ pay_mode: null }, { pay_mode: transfer }] }
    account: [bank_account_id, { setting: DEFAULT_ACCOUNT }]
    unset: [0]
    table: accounts
    key: id
    where: { closed: false }
    iban: iban
  vatExemption: { when: { value: { setting: VAT_SCHEME }, in: [small] }, reason: small_business, note: { setting: VAT_NOTE } }
  paymentTerms: terms
  paymentTermsByCode: { code: terms_code, wordings: { NET30: { en: Net 30 days, de: 30 Tage netto } } }
`,
      'crm.yaml',
    );
    expect(file.letterhead?.countries).to.equal('whenDifferent');
    expect(file.invoices?.paymentTermsByCode?.wordings).to.deep.equal({ NET30: { en: 'Net 30 days', de: '30 Tage netto' } });
    expect(file.invoices?.bank?.account).to.have.length(2);
    const wrong = problemsOf(
      `${MINIMAL}${INVOICES}  bank: { account: [], table: accounts, key: id }
  vatExemption: { when: { value: scheme, in: [small] }, reason: tax_free }
  paymentTermsByCode: { code: terms_code, wordings: { NET30: { english: Net 30 days } } }
letterhead: { countries: sometimes }
`,
    );
    expect(wrong).to.include(
      'line 16: invoices.bank.account: account lists the values that name the account, the first set one wins: [account_id]',
    );
    expect(wrong).to.include('line 16: invoices.bank.iban: missing');
    expect(wrong).to.include('line 17: invoices.vatExemption.reason: reason is one of reverse_charge, not_taxable, small_business, exempt');
    expect(wrong).to.include('line 18: invoices.paymentTermsByCode.wordings.NET30: unknown key english');
    expect(wrong).to.include('line 19: letterhead.countries: countries is always or whenDifferent');
  });
});

describe('declared statements', function () {
  it('binds each :name, keeps casts, strings and comments, and escapes a literal ?', function () {
    const statement = parseStatement(
      "update quotes set status_id = 3, note = ':not_a_param?', at = :at::timestamp -- :nor_this\nwhere id = :id and data ? 'key' returning id as quote_id",
    );
    expect(statement.params).to.deep.equal(['at', 'id']);
    expect(statement.sql).to.include("note = ':not_a_param\\?'");
    expect(statement.sql).to.include('at = ?::timestamp');
    expect(statement.sql).to.include('data \\? ');
    expect(statement.returns).to.deep.equal(['quote_id']);
  });

  it('refuses two statements in one, dollar quoting, and anything but a write or a read', function () {
    expect(() => parseStatement('update t set a = 1 where id = :id; drop table t')).to.throw(/one statement each/);
    expect(() => parseStatement('update t set a = $x$1$x$ where id = :id')).to.throw(/dollar-quoted/);
    expect(() => parseStatement('drop table quotes')).to.throw(/begins with update, insert, delete, with or select/);
    expect(parseStatement('update t set a = 1 where id = :id;').params).to.deep.equal(['id']);
  });

  it('accepts only the parameters a write offers, and each statement must name its scope', function () {
    const offered = ['workspace', 'client', 'id', 'at'];
    expect(() =>
      parseWrite('update q set s = 3 where id = :id and client_id = :client and x = :secret', offered, ['client', 'id']),
    ).to.throw(/:secret is not a parameter of this write/);
    expect(() => parseWrite('update q set s = 3 where id = :id', offered, ['client', 'id'])).to.throw(/must name :client/);
    const statements = parseWrite(
      [
        'insert into p (client_id, amount) values (:client, 1) returning id as payment_id',
        'update i set paid = true where id = :id and client_id = :client and p = :payment_id',
      ],
      offered,
      ['client'],
    );
    expect(statements.map((s) => s.params)).to.deep.equal([['client'], ['id', 'client', 'payment_id']]);
    expect(() => parseWrite('update q set s = 1 where client_id = :client returning id as at', offered, ['client'])).to.throw(
      /already a parameter/,
    );
  });
});
