// Covers the second CRM adapter's pure translations, where this host's shape differs from the
// portal's: workspace slugs derived from entity labels (accents, collisions, empty labels), a
// single name split into Dolibarr's firstname/lastname columns, and numeric(24,8) money as cents.
import { expect } from 'chai';
import { currencyOrDefault, toCents } from '../../plugins/second-crm/money.ts';
import { fullName, phoneForColumn, splitName } from '../../plugins/second-crm/names.ts';
import { assignSlugs, slugFromLabel } from '../../plugins/second-crm/workspace-slug.ts';

describe('second CRM adapter: translations', function () {
  it('derives slugs from entity labels: lower-case words joined by dashes, accents dropped', function () {
    expect(slugFromLabel('Atelier Nord')).to.equal('atelier-nord');
    expect(slugFromLabel('  Société Générale & Fils  ')).to.equal('societe-generale-fils');
    expect(slugFromLabel('Ça ! — 2026')).to.equal('ca-2026');
    expect(slugFromLabel('x'.repeat(80))).to.have.length(50);
    expect(slugFromLabel(`${'a'.repeat(49)} b`)).to.equal('a'.repeat(49));
  });

  it('keeps slugs unique and stable: the oldest entity keeps the plain slug', function () {
    const slugs = assignSlugs([
      { rowid: 4, label: 'Atelier Nord' },
      { rowid: 1, label: 'Atelier Nord' },
      { rowid: 2, label: '***' },
      { rowid: 7, label: 'Atelier Nord 4' },
    ]);
    expect(Object.fromEntries(slugs)).to.deep.equal({ 1: 'atelier-nord', 2: 'entity-2', 4: 'atelier-nord-4', 7: 'atelier-nord-4-7' });
    for (const slug of slugs.values()) expect(slug).to.match(/^[a-z0-9][a-z0-9-]{0,59}$/);
  });

  it('joins and splits names the way the CRM stores them', function () {
    expect(fullName('Claire', 'Martin')).to.equal('Claire Martin');
    expect(fullName(null, ' Martin ')).to.equal('Martin');
    expect(fullName(null, null)).to.equal('');
    expect(splitName('Claire Martin', 'Martin')).to.deep.equal({ firstname: 'Claire', lastname: 'Martin' });
    expect(splitName('Jean  de La Fontaine', 'de La Fontaine')).to.deep.equal({ firstname: 'Jean', lastname: 'de La Fontaine' });
    expect(splitName('Claire Anne Dubois', 'Martin')).to.deep.equal({ firstname: 'Claire Anne', lastname: 'Dubois' });
    expect(splitName('Cher', null)).to.deep.equal({ firstname: null, lastname: 'Cher' });
    const long = splitName(`${'A'.repeat(120)} ${'B'.repeat(70)}`, null);
    expect(long.firstname).to.have.length(50);
    expect(long.lastname).to.have.length(50);
    expect(phoneForColumn(` ${'1'.repeat(40)} `)).to.have.length(30);
    expect(phoneForColumn('  ')).to.equal(null);
  });

  it('turns numeric(24,8) text into integer cents, and defaults the currency to EUR', function () {
    expect(toCents('1000.00000000')).to.equal(100000);
    expect(toCents('1140.60000000')).to.equal(114060);
    expect(toCents('0.00500000')).to.equal(1);
    expect(toCents('0.00499999')).to.equal(0);
    expect(toCents('-12.34500000')).to.equal(-1235);
    expect(Object.is(toCents('-0.00100000'), 0)).to.equal(true);
    expect(toCents('not a number')).to.equal(0);
    expect(currencyOrDefault('chf ')).to.equal('CHF');
    expect(currencyOrDefault(null)).to.equal('EUR');
    expect(currencyOrDefault('€')).to.equal('EUR');
  });
});
