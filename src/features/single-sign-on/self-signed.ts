// A self-signed X.509 certificate for a key pair, written in DER by hand: the SAML metadata the
// portal publishes carries its key as a certificate (the identity provider encrypts assertions to
// it), and node has no certificate builder. Nobody checks this certificate's chain or dates, only
// its key, so it holds the least a parser accepts: version 3, a serial, SHA-256 with RSA, one
// common name as issuer and subject, a validity, the public key.
import { createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** GeneralizedTime, valid for every year (UTCTime stops at 2049). */
const time = (date: Date) => tlv(0x18, Buffer.from(`${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`, 'ascii'));
const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

/**
 * A serial number from random bytes, as DER writes a positive INTEGER: its first byte below 0x80
 * (else it is negative) and not 0 (a leading zero byte is allowed only before one of 0x80 or more).
 * A serial starting with a zero byte then one below 0x80 is refused by OpenSSL ("illegal padding"),
 * so one certificate in 256 would be unreadable to an identity provider.
 */
export function serialNumber(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = 0x40 | ((serial[0] ?? 0) & 0x3f);
  return serial;
}

/** A PEM certificate for the key pair, named `commonName`, valid from now for `years`. */
export function selfSignedCertificate(
  privateKey: KeyObject,
  commonName: string,
  options: { years?: number; now?: Date; random?: Buffer } = {},
): string {
  const { years = 20, now = new Date(), random = randomBytes(16) } = options;
  const serial = serialNumber(random);
  const name = sequence(set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName.slice(0, 64), 'utf8')))));
  const until = new Date(now);
  until.setUTCFullYear(until.getUTCFullYear() + years);
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))),
    tlv(0x02, serial),
    SHA256_WITH_RSA,
    name,
    sequence(time(now), time(until)),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0x00]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
