import { expect } from 'chai';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { selfSignedCertificate, serialNumber } from '../self-signed.ts';

describe('the self-signed certificate of a SAML service provider', function () {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

  it('is read as X.509 whatever random bytes its serial comes from, its serial positive and in its fewest bytes', function () {
    // The bytes DER has rules for: a first byte of 0 (a leading zero is padding unless the next is
    // 0x80 or more), 0x80 or more (a negative INTEGER), and those beside them.
    for (const first of [0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff]) {
      for (const second of [0x00, 0x7f, 0x80, 0xff]) {
        const random = Buffer.alloc(16, 0x5a);
        random[0] = first;
        random[1] = second;
        const certificate = new X509Certificate(selfSignedCertificate(privateKey, 'sp.test', { random }));
        const serial = serialNumber(random).toString('hex').toUpperCase();
        expect(certificate.serialNumber, `random ${first.toString(16)} ${second.toString(16)}`).to.equal(serial);
        expect(Number.parseInt(serial.slice(0, 2), 16)).to.be.within(0x01, 0x7f);
        expect(certificate.subject).to.equal('CN=sp.test');
        expect(certificate.checkPrivateKey(privateKey)).to.equal(true);
      }
    }
  });

  it('keeps the random bytes past the first, and the first byte’s low six bits', function () {
    const random = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(serialNumber(random).toString('hex')).to.equal('40112233445566778899aabbccddeeff');
    expect(serialNumber(Buffer.from('ff', 'hex')).toString('hex')).to.equal('7f');
    expect(random.toString('hex'), 'the bytes given are not changed').to.equal('00112233445566778899aabbccddeeff');
  });

  it('is valid from now for twenty years unless told otherwise', function () {
    const now = new Date('2026-12-01T10:00:00Z');
    const certificate = new X509Certificate(selfSignedCertificate(privateKey, 'sp.test', { now }));
    expect(new Date(certificate.validFrom).toISOString()).to.equal('2026-12-01T10:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).to.equal('2046-12-01T10:00:00.000Z');
  });
});
