// Covers the Dolibarr binding's parts that need no database: its settings (each mistake named in
// one sentence), the links to Dolibarr's card pages, PHP's bcrypt hashes checked as PHP does, and
// a new contact's names cased as PHP's mb_convert_case cases them.
import { expect } from 'chai';
import bcrypt from 'bcryptjs';
import knex from 'knex';
import { dolibarrFullName, newContactNames, phpTitleCase } from '../../plugins/dolibarr/names.ts';
import { phpPasswordChecker } from '../../plugins/dolibarr/php-password.ts';
import { dolibarrStandalone, readDolibarrSettings } from '../../plugins/dolibarr/standalone.ts';
import { StandaloneSetupError } from '../../plugins/standalone/binding.ts';

describe('the Dolibarr standalone binding', function () {
  it('reads its settings and names what is wrong', function () {
    expect(
      readDolibarrSettings({ DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_ENTITY: '2', DOLIBARR_URL: 'https://erp.example.com/dolibarr/' }),
    ).to.deep.include({
      DOLIBARR_WORKSPACE_SLUG: 'atelier',
      DOLIBARR_ENTITY: 2,
      DOLIBARR_URL: 'https://erp.example.com/dolibarr',
    });
    // conf.php's $dolibarr_main_instance_unique_id, the key of Dolibarr's encrypted settings.
    expect(
      readDolibarrSettings({ DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_INSTANCE_UNIQUE_ID: ' 7d1e2f3a4b5c ' })
        .DOLIBARR_INSTANCE_UNIQUE_ID,
    ).to.equal('7d1e2f3a4b5c');
    expect(
      readDolibarrSettings({ DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_INSTANCE_UNIQUE_ID: '' }).DOLIBARR_INSTANCE_UNIQUE_ID,
    ).to.equal(undefined);
    const refusal = (env: NodeJS.ProcessEnv) => {
      try {
        readDolibarrSettings(env);
      } catch (err) {
        expect(err).to.be.instanceOf(StandaloneSetupError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal({})).to.match(/^DOLIBARR_WORKSPACE_SLUG is required/);
    expect(refusal({ DOLIBARR_WORKSPACE_SLUG: 'Atelier!' })).to.match(/lower-case letters/);
    expect(refusal({ DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_ENTITY: '0' })).to.match(
      /DOLIBARR_ENTITY must be a positive whole number/,
    );
    expect(refusal({ DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_URL: 'javascript:alert(1)' })).to.match(
      /DOLIBARR_URL must be an http\(s\) address/,
    );
    expect(refusal({ DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_ACTING_USER: 'admin' })).to.match(
      /DOLIBARR_ACTING_USER must be a positive whole number/,
    );
    expect(refusal({ DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_INSTANCE_UNIQUE_ID: '  ' })).to.match(
      /DOLIBARR_INSTANCE_UNIQUE_ID must not be blank/,
    );
  });

  it("links to Dolibarr's card pages, only for well-formed ids and only with DOLIBARR_URL", async function () {
    const db = knex({ client: 'pg' });
    try {
      const host = await dolibarrStandalone.open(db, {
        DOLIBARR_WORKSPACE_SLUG: 'atelier',
        DOLIBARR_URL: 'https://erp.example.com',
        DOLIBARR_ACTING_USER: '1',
      });
      expect(host.crmRecordUrl('proposal', '12')).to.equal('https://erp.example.com/comm/propal/card.php?id=12');
      expect(host.crmRecordUrl('invoice', '7')).to.equal('https://erp.example.com/compta/facture/card.php?facid=7');
      expect(host.crmRecordUrl('client', '3')).to.equal('https://erp.example.com/societe/card.php?socid=3');
      expect(host.crmRecordUrl('quotation', '3')).to.equal(null);
      expect(host.crmRecordUrl('invoice', '7&x=1')).to.equal(null);
      expect(host.adapter.claims.some((claim) => claim.table === 'llx_user' && claim.columns.includes('pass_crypted'))).to.equal(true);
      const unlinked = await dolibarrStandalone.open(db, { DOLIBARR_WORKSPACE_SLUG: 'atelier', DOLIBARR_ACTING_USER: '1' });
      expect(unlinked.crmRecordUrl('proposal', '12')).to.equal(null);
    } finally {
      await db.destroy();
    }
  });

  it('verifies PHP password_hash bcrypt ($2y$) and refuses other formats', async function () {
    const php = bcrypt.hashSync('Marc-dolibarr-2026', 4).replace(/^\$2b\$/, '$2y$');
    const { verify: verifyPhpPassword, decoy: decoyVerify, decoyCost } = phpPasswordChecker(async () => 4);
    expect(await verifyPhpPassword('Marc-dolibarr-2026', php)).to.equal(true);
    expect(await verifyPhpPassword('marc-dolibarr-2026', php)).to.equal(false);
    expect(await verifyPhpPassword('secret', '5ebe2294ecd0e0f08eab7690d2a6ee69')).to.equal(false);
    expect(await verifyPhpPassword('', php)).to.equal(false);
    expect(await verifyPhpPassword('x'.repeat(201), php)).to.equal(false);
    expect(await decoyVerify('anything')).to.equal(false);
    expect(await decoyCost()).to.equal(4);
    // No bcrypt hash stored, or the cost unreadable: PHP's default.
    expect(await phpPasswordChecker(async () => null).decoyCost()).to.equal(10);
    expect(await phpPasswordChecker(() => Promise.reject(new Error('down'))).decoyCost()).to.equal(10);
  });

  it("splits and cases a new contact's name as Dolibarr's card and Contact::create would", function () {
    // Each right-hand side is what PHP 8.2 printed for mb_convert_case(mb_strtolower($s), MB_CASE_TITLE, 'UTF-8').
    const php: Array<[string, string]> = [
      ["jean-pierre o’brien o'neil mcdonald 3d élodie x.y", "Jean-Pierre O’brien O'neil Mcdonald 3D Élodie X.y"],
      ['ÉLODIE DE LA FONTAINE', 'Élodie De La Fontaine'],
      ['anne_marie', 'Anne_Marie'],
      ['a1b', 'A1B'],
      ['straße ǆemal', 'Straße ǅemal'],
      ['zoë àb-çd (eé) "quoted" a–b a/b a·b', 'Zoë Àb-Çd (Eé) "Quoted" A–B A/B A·b'],
    ];
    for (const [given, cased] of php) expect(phpTitleCase(given)).to.equal(cased);

    const none = { privateToUpper: false, firstToUpper: false, allToUpper: false, lastnameFirst: false };
    expect(newContactNames('  Nina   Weber ', none)).to.deep.equal({ firstname: 'Nina', lastname: 'Weber' });
    expect(newContactNames('Jean de La Fontaine', none)).to.deep.equal({ firstname: 'Jean de La', lastname: 'Fontaine' });
    expect(newContactNames('Cher', none)).to.deep.equal({ firstname: '', lastname: 'Cher' });
    expect(newContactNames(`Ann ${'x'.repeat(60)}`, none).lastname).to.have.length(50);
    // setUpperOrLowerCase's order: the private-person rule, then first letters, then all upper.
    expect(newContactNames('nina weber', { ...none, privateToUpper: true })).to.deep.equal({ firstname: 'Nina', lastname: 'WEBER' });
    expect(newContactNames('cher', { ...none, privateToUpper: true })).to.deep.equal({ firstname: '', lastname: 'Cher' });
    expect(newContactNames('NINA WEBER', { ...none, firstToUpper: true })).to.deep.equal({ firstname: 'Nina', lastname: 'Weber' });
    expect(newContactNames('nina weber', { ...none, allToUpper: true })).to.deep.equal({ firstname: 'nina', lastname: 'WEBER' });

    expect(dolibarrFullName('Nina', 'Weber', none)).to.equal('Nina Weber');
    expect(dolibarrFullName('Nina', 'Weber', { lastnameFirst: true })).to.equal('Weber Nina');
    expect(dolibarrFullName('', 'Cher', { lastnameFirst: true })).to.equal('Cher');
  });
});
