// How secrets are made and compared (src/core/crypto/secrets.ts) and where sign-in may send a client
// afterwards (src/core/web/safe-next.ts): codes and tokens have the promised shape, code hashes are
// keyed by the secret and bound to the client user, token hashes are SHA-256, comparisons refuse
// any difference, passwords verify only with the right password, and a `next` that leaves the
// workspace's portal falls back to its dashboard.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { safeNext } from '../../src/core/web/safe-next.ts';
import {
  codeHashMatches,
  generateCode,
  generateToken,
  hashCode,
  hashPassword,
  hashToken,
  sameHash,
  verifyDecoy,
  verifyPassword,
} from '../../src/core/crypto/secrets.ts';

describe('secrets', function () {
  this.timeout(30_000);

  it('makes six-digit codes, zero-padded', function () {
    const codes = Array.from({ length: 200 }, generateCode);
    for (const code of codes) expect(code).to.match(/^\d{6}$/);
    expect(new Set(codes).size).to.be.greaterThan(150);
  });

  it('makes 256-bit url-safe tokens', function () {
    const token = generateToken();
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.to.equal(token);
  });

  it('keys code hashes with the secret and binds them to the client user', function () {
    const hash = hashCode('secret-a', 'u1', '123456');
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    expect(hashCode('secret-a', 'u1', '123456')).to.equal(hash);
    expect(hashCode('secret-b', 'u1', '123456')).not.to.equal(hash);
    expect(hashCode('secret-a', 'u2', '123456')).not.to.equal(hash);
    expect(hashCode('secret-a', 'u1', '123457')).not.to.equal(hash);
    expect(hash).not.to.equal(createHash('sha256').update('u1:123456').digest('hex'));
  });

  it('matches a code hashed under the current secret or a retired one, and under no other', function () {
    const secrets = ['secret-now', 'secret-before'];
    expect(codeHashMatches(secrets, 'u1', '123456', hashCode('secret-now', 'u1', '123456'))).to.equal(true);
    expect(codeHashMatches(secrets, 'u1', '123456', hashCode('secret-before', 'u1', '123456'))).to.equal(true);
    expect(codeHashMatches(secrets, 'u1', '123456', hashCode('secret-other', 'u1', '123456'))).to.equal(false);
    expect(codeHashMatches(secrets, 'u1', '654321', hashCode('secret-now', 'u1', '123456'))).to.equal(false);
    expect(codeHashMatches([], 'u1', '123456', hashCode('secret-now', 'u1', '123456'))).to.equal(false);
  });

  it('stores link tokens as their SHA-256', function () {
    expect(hashToken('abc')).to.equal(createHash('sha256').update('abc').digest('hex'));
  });

  it('compares hashes exactly', function () {
    const a = hashToken('a');
    expect(sameHash(a, a)).to.equal(true);
    expect(sameHash(a, hashToken('b'))).to.equal(false);
    expect(sameHash(a, a.slice(0, 62))).to.equal(false);
  });

  it('verifies an argon2id password only with that password, and never a malformed hash', async function () {
    const hash = await hashPassword('correct horse battery');
    expect(hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).to.equal(true);
    expect(await verifyPassword(hash, 'correct horse batterY')).to.equal(false);
    expect(await verifyPassword('not a hash', 'anything')).to.equal(false);
    expect(await verifyDecoy('anything')).to.equal(false);
  });
});

describe('safeNext', function () {
  const base = '/portal/demo';
  it('follows a path inside the workspace portal, with its query', function () {
    expect(safeNext(base, '/portal/demo/invoices?page=2')).to.equal('/portal/demo/invoices?page=2');
  });

  it('falls back to the dashboard for anything else', function () {
    for (const next of [
      undefined,
      '',
      '/portal/demo',
      '/portal/democrat/x',
      '/portal/acme/invoices',
      'https://evil.test/portal/demo/',
      '//evil.test/portal/demo/',
      '/portal/demo//evil.test',
      '/portal/demo/\\evil',
      '/portal/demo/a\u0000b',
      '/portal/demo/a\nb',
      '/portal/demo/../acme/x',
      '/portal/demo/%2e%2e/acme/x',
    ]) {
      expect(safeNext(base, next), String(next)).to.equal('/portal/demo/');
    }
  });
});
