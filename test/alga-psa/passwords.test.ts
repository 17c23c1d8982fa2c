// Covers Alga PSA's password format as the binding reads and writes it: a hash made the way Alga's
// encryption.ts makes it (WebCrypto PBKDF2-SHA512, 10,000 rounds, 64 bytes, NEXTAUTH_SECRET + salt)
// verifies; another secret, another password or a malformed hash does not; what the binding
// writes has Alga's shape and verifies the Alga way; and, on a real Alga database, setPassword
// creates the client login Alga's invitation acceptance creates for a contact without one.
import { webcrypto } from 'node:crypto';
import { expect } from 'chai';
import { hashAlgaPassword, verifyAlgaPassword } from '../../plugins/alga-psa/passwords.ts';
import { useAlgaHost } from './alga-host.ts';
import { algaHash, NEXTAUTH_SECRET } from './seed.ts';
import { contactOf } from '../support/host-contacts.ts';

/** Alga's verifyPassword, written out independently: derive over secret + salt and compare the hex. */
async function algaVerifies(password: string, stored: string, secret: string): Promise<boolean> {
  const [salt, hash] = stored.split(':');
  const te = new TextEncoder();
  const key = await webcrypto.subtle.importKey('raw', te.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await webcrypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-512', iterations: 10_000, salt: te.encode(secret + salt!) },
    key,
    512,
  );
  return Buffer.from(bits).toString('hex') === hash;
}

describe("alga-psa passwords: Alga's PBKDF2 format with NEXTAUTH_SECRET", function () {
  it('verifies a hash made the way Alga makes it, and nothing else', async function () {
    const stored = await algaHash('Correct horse 42', NEXTAUTH_SECRET);
    expect(stored).to.match(/^[0-9a-f]{24}:[0-9a-f]{128}$/);
    expect(await verifyAlgaPassword('Correct horse 42', stored, NEXTAUTH_SECRET)).to.equal(true);
    expect(await verifyAlgaPassword('Correct horse 43', stored, NEXTAUTH_SECRET)).to.equal(false);
    expect(await verifyAlgaPassword('Correct horse 42', stored, 'another-deployment-secret')).to.equal(false);
    expect(await verifyAlgaPassword('', stored, NEXTAUTH_SECRET)).to.equal(false);
    for (const bad of ['', 'nocolon', ':', `${stored}:extra`, stored.slice(0, -2), 'zz:zz']) {
      expect(await verifyAlgaPassword('Correct horse 42', bad, NEXTAUTH_SECRET), bad.slice(0, 30)).to.equal(false);
    }
  });

  it("writes Alga's format, which Alga's own verification accepts", async function () {
    const stored = await hashAlgaPassword('Nouveau mot de passe ✓', NEXTAUTH_SECRET);
    expect(stored).to.match(/^[0-9a-f]{24}:[0-9a-f]{128}$/);
    expect(await algaVerifies('Nouveau mot de passe ✓', stored, NEXTAUTH_SECRET)).to.equal(true);
    expect(await algaVerifies('Nouveau mot de passe ✓', stored, 'another-deployment-secret')).to.equal(false);
    expect(await hashAlgaPassword('same', NEXTAUTH_SECRET)).to.not.equal(await hashAlgaPassword('same', NEXTAUTH_SECRET));
  });

  describe('on a real Alga database', function () {
    const alga = useAlgaHost();

    it("creates the client login of a contact without one, as Alga's invitation acceptance does", async function () {
      const { db, seed } = alga.host;
      const credentials = alga.host.adapter().credentials!;
      expect(await credentials.hasPassword(seed.tenant, seed.contacts.paul)).to.equal(false);
      expect(await credentials.findLogin(seed.tenant, 'paul@summit.example')).to.equal(null);
      await credentials.setPassword(seed.tenant, seed.contacts.paul, 'Paul-portal-2026!');
      const row = await db('users').where({ tenant: seed.tenant, contact_id: seed.contacts.paul }).first();
      expect(row).to.include({
        username: 'paul@summit.example',
        email: 'paul@summit.example',
        first_name: 'Paul',
        last_name: 'Dupont',
        user_type: 'client',
        is_inactive: false,
        two_factor_enabled: false,
        is_google_user: false,
        phone: null,
      });
      expect(await algaVerifies('Paul-portal-2026!', row.hashed_password, NEXTAUTH_SECRET)).to.equal(true);
      // Not a client admin: Alga's client role 'User'.
      const roles = await db('user_roles as ur')
        .join('roles as r', function () {
          this.on('r.tenant', '=', 'ur.tenant').andOn('r.role_id', '=', 'ur.role_id');
        })
        .where({ 'ur.tenant': seed.tenant, 'ur.user_id': row.user_id })
        .select('r.role_name', 'r.client');
      expect(roles).to.deep.equal([{ role_name: 'User', client: true }]);
      expect(await credentials.hasPassword(seed.tenant, seed.contacts.paul)).to.equal(true);
      expect(contactOf(await credentials.verifyPassword(seed.tenant, 'PAUL@summit.example', 'Paul-portal-2026!'))?.id).to.equal(
        seed.contacts.paul,
      );
      // Setting it again changes the hash on the same row.
      await credentials.setPassword(seed.tenant, seed.contacts.paul, 'Paul-portal-2027!');
      expect(await db('users').where({ tenant: seed.tenant, contact_id: seed.contacts.paul })).to.have.length(1);
      expect(await credentials.verifyPassword(seed.tenant, 'paul@summit.example', 'Paul-portal-2026!')).to.equal(null);
    });

    it('leaves a login staff disabled in Alga disabled, and signs nobody in with it', async function () {
      const { db, seed } = alga.host;
      const credentials = alga.host.adapter().credentials!;
      await db('users').where({ tenant: seed.tenant, user_id: seed.users.sophie }).update({ is_inactive: true });
      expect(await credentials.verifyPassword(seed.tenant, 'sophie@harbor.example', 'Sophie-alga-2026!')).to.equal(null);
      expect(await credentials.hasPassword(seed.tenant, seed.contacts.sophie)).to.equal(false);
      const outcome = await credentials.setPassword(seed.tenant, seed.contacts.sophie, 'Another-2026!').then(
        () => 'written',
        () => 'refused',
      );
      expect(outcome).to.equal('refused');
      expect((await db('users').where({ tenant: seed.tenant, user_id: seed.users.sophie }).first('is_inactive')).is_inactive).to.equal(
        true,
      );
    });

    it('costs as much for an unknown email as for a wrong password', async function () {
      const credentials = alga.host.adapter().credentials!;
      // This process's CPU time (PBKDF2 runs on its thread pool, which is counted), not the wall
      // clock: the suite runs other files in other processes beside this one, and their load
      // must not decide the answer. What is compared is the work each answer costs.
      const cpuMs = async (email: string) => {
        const start = process.cpuUsage();
        for (let i = 0; i < 10; i += 1) await credentials.verifyPassword(alga.host.seed.tenant, email, 'wrong-password');
        const spent = process.cpuUsage(start);
        return (spent.user + spent.system) / 10_000;
      };
      await cpuMs('claire@harbor.example');
      const known = await cpuMs('claire@harbor.example');
      const unknown = await cpuMs('nobody@harbor.example');
      // Both derive one PBKDF2 key (10,000 rounds of SHA-512); without the decoy the unknown one
      // would cost a fraction of a millisecond.
      expect(known).to.be.greaterThan(2);
      expect(unknown).to.be.greaterThan(known * 0.5);
    });
  });
});
