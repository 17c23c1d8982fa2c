// Host password formats as the file binding verifies them, without a database: md5 (unsalted hex,
// as FrontAccounting keeps its users' passwords) verifies the right password only, treats a stored
// value that is no md5 as no password, and is never written.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { passwordFormat } from '../../plugins/file-binding/passwords.ts';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('binding file passwords: md5 (staff only, verified, never written)', function () {
  const format = passwordFormat('md5');

  it('verifies the password whose md5 is stored, in either case of hex, and no other', async function () {
    // FrontAccounting's installer: admin / "password".
    expect(await format.verify('password', '5f4dcc3b5aa765d61d8327deb882cf99')).to.equal(true);
    expect(await format.verify('password', '5F4DCC3B5AA765D61D8327DEB882CF99')).to.equal(true);
    expect(await format.verify('Password', '5f4dcc3b5aa765d61d8327deb882cf99')).to.equal(false);
    expect(await format.verify('crème brûlée', md5('crème brûlée'))).to.equal(true);
  });

  it('refuses an empty or overlong password, and a stored value that is no md5 hex', async function () {
    expect(await format.verify('', md5(''))).to.equal(false);
    expect(await format.verify('x'.repeat(201), md5('x'.repeat(201)))).to.equal(false);
    for (const stored of [null, '', 'password', md5('password').slice(1), `${md5('password')}0`, '$2y$10$abcdefghijklmnopqrstuu']) {
      expect(await format.verify('password', stored), String(stored)).to.equal(false);
    }
    expect(await format.decoy('password')).to.equal(false);
  });

  it('never writes an unsalted hash', async function () {
    let refused: unknown = null;
    await format.hash('password').catch((err: unknown) => {
      refused = err;
    });
    expect(String(refused)).to.match(/never writes an unsalted hash/);
  });
});
