// A country at the end of an address is written in the reader's language; any other line is kept.
import { expect } from 'chai';
import { addressInLocale } from '../../src/core/i18n/country-names.ts';

describe('country names in addresses', function () {
  it('writes the last line in the reader’s language when it names a country in a language the portal speaks', function () {
    expect(addressInLocale(['Rosenthaler Straße 40', '10178 Berlin', 'Germany'], 'de')).to.deep.equal([
      'Rosenthaler Straße 40',
      '10178 Berlin',
      'Deutschland',
    ]);
    expect(addressInLocale(['10 Downing Street', 'london SW1A 2AA', 'united kingdom'], 'de').at(-1)).to.equal('Vereinigtes Königreich');
    expect(addressInLocale(['Bergstraße 21', '80331 München', 'Deutschland'], 'en').at(-1)).to.equal('Germany');
    expect(addressInLocale(['1 Rue de Rivoli', '75001 Paris', 'France'], 'de').at(-1)).to.equal('Frankreich');
    expect(addressInLocale(['Rosenthaler Straße 40', '10178 Berlin', 'Germany'], 'fr').at(-1)).to.equal('Allemagne');
    expect(addressInLocale(['Bergstraße 21', '80331 München', 'Allemagne'], 'en').at(-1)).to.equal('Germany');
    expect(addressInLocale(['10 Downing Street', 'London', 'Royaume-Uni'], 'de').at(-1)).to.equal('Vereinigtes Königreich');
  });

  it('keeps an address whose last line names no country, and the lines above a country as written', function () {
    expect(addressInLocale(['410 Harbor Street', 'Seattle, WA 98101'], 'de')).to.deep.equal(['410 Harbor Street', 'Seattle, WA 98101']);
    expect(addressInLocale(['Germany', 'Springfield'], 'de')).to.deep.equal(['Germany', 'Springfield']);
    expect(addressInLocale([], 'de')).to.deep.equal([]);
  });
});
