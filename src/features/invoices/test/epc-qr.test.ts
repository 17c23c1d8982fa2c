// The EPC QR code ("GiroCode", EPC069-12 version 002) built for a bank transfer: the twelve
// fields in order, EUR only, the amount's limits (0.01 to 999,999,999.99), the name cut at 70
// characters and the unstructured remittance at 140, an RF creditor reference as structured
// remittance, IBAN check digits, a BIC that is not one left out, line breaks kept out of fields,
// and no payload over 331 bytes. Its PNG decodes back to the same text.
import { expect } from 'chai';
import { epcPayload, epcQrPngDataUrl, normalizeIban, type EpcTransfer } from '../epc-qr.ts';
import { decodeQrPng, pngFromDataUrl } from '../../../../test/support/qr-decode.ts';

const base: EpcTransfer = {
  name: 'Demo Agency GmbH',
  iban: 'DE89 3704 0044 0532 0130 00',
  bic: 'COBADEFFXXX',
  amountCents: 123_45,
  currency: 'EUR',
  reference: 'INV-0002',
};

describe('EPC QR payload (EPC069-12)', function () {
  it('writes the fields in the order and form the standard gives', function () {
    expect(epcPayload(base)).to.equal(
      ['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Demo Agency GmbH', 'DE89370400440532013000', 'EUR123.45', '', '', 'INV-0002'].join('\n'),
    );
  });

  it('is for euros only', function () {
    expect(epcPayload({ ...base, currency: 'USD' })).to.equal(null);
    expect(epcPayload({ ...base, currency: 'eur' })).to.include('\nEUR123.45\n');
  });

  it('takes amounts from 0.01 to 999,999,999.99 and no others', function () {
    expect(epcPayload({ ...base, amountCents: 1 })).to.include('\nEUR0.01\n');
    expect(epcPayload({ ...base, amountCents: 99_999_999_999 })).to.include('\nEUR999999999.99\n');
    expect(epcPayload({ ...base, amountCents: 0 })).to.equal(null);
    expect(epcPayload({ ...base, amountCents: 100_000_000_000 })).to.equal(null);
    expect(epcPayload({ ...base, amountCents: 1.5 })).to.equal(null);
    expect(epcPayload({ ...base, amountCents: 100_05 })).to.include('\nEUR100.05\n');
  });

  it('cuts the name at 70 characters and an unstructured reference at 140', function () {
    const lines = epcPayload({ ...base, name: 'N'.repeat(80), reference: 'R'.repeat(200) })!.split('\n');
    expect(lines[5]).to.equal('N'.repeat(70));
    expect(lines[10]).to.equal('R'.repeat(140));
  });

  it('puts an RF creditor reference in the structured field and leaves the unstructured one out', function () {
    const lines = epcPayload({ ...base, reference: 'RF18 5390 0754 7034' })!.split('\n');
    expect(lines).to.have.length(10);
    expect(lines[9]).to.equal('RF18539007547034');
    // Wrong check digits: not a creditor reference, so it is quoted as text.
    expect(epcPayload({ ...base, reference: 'RF19 5390 0754 7034' })!.split('\n')[10]).to.equal('RF19 5390 0754 7034');
  });

  it('checks the IBAN, and leaves out a BIC that is not one', function () {
    expect(normalizeIban('de89 3704 0044 0532 0130 00')).to.equal('DE89370400440532013000');
    expect(epcPayload({ ...base, iban: 'DE88 3704 0044 0532 0130 00' })).to.equal(null);
    expect(epcPayload({ ...base, bic: 'NOT A BIC' })!.split('\n')[4]).to.equal('');
    expect(epcPayload({ ...base, bic: null })!.split('\n')[4]).to.equal('');
  });

  it('keeps line breaks and control characters out of the fields, and needs a name', function () {
    const lines = epcPayload({ ...base, name: 'Demo\nAgency', reference: 'INV-1\r\nBCD' })!.split('\n');
    expect(lines).to.have.length(11);
    expect(lines[5]).to.equal('Demo Agency');
    expect(lines[10]).to.equal('INV-1 BCD');
    expect(epcPayload({ ...base, name: ' \n ' })).to.equal(null);
  });

  it('refuses a payload over 331 bytes', function () {
    // 70 characters of 4 bytes each and a 140-character reference of 2 bytes each: well over 331.
    expect(epcPayload({ ...base, name: '😀'.repeat(70), reference: 'é'.repeat(140) })).to.equal(null);
    const fits = epcPayload({ ...base, name: 'N'.repeat(70), reference: 'R'.repeat(140) })!;
    expect(Buffer.byteLength(fits)).to.be.at.most(331);
  });

  it('decodes back to the same text from its PNG', async function () {
    const payload = epcPayload({ ...base, name: 'Atelier Lumière' })!;
    expect(decodeQrPng(pngFromDataUrl(await epcQrPngDataUrl(payload)))).to.equal(payload);
  });
});
