// Covers the Alga PSA standalone binding (plugins/alga-psa/standalone.ts) on a real Alga database:
// the settings it requires, every tenant listed as a workspace, internal users signing in with
// their Alga password by email or username (not client users, not disabled staff, not another
// tenant's when slugs pin the tenants served), staff found again per request, links to Alga's pages.
import { expect } from 'chai';
import { algaPsaStandalone } from '../../plugins/alga-psa/standalone.ts';
import { StandaloneSetupError } from '../../plugins/standalone/binding.ts';
import { useAlgaHost } from './alga-host.ts';
import { ADMIN_PASSWORD, CLAIRE_PASSWORD, NEXTAUTH_SECRET } from './seed.ts';

describe('alga-psa standalone binding', function () {
  const alga = useAlgaHost();

  it('requires NEXTAUTH_SECRET and refuses malformed settings', async function () {
    for (const env of [
      {},
      { NEXTAUTH_SECRET: ' ' },
      { NEXTAUTH_SECRET: 'x', ALGA_BASE_URL: 'ftp://psa' },
      { NEXTAUTH_SECRET: 'x', ALGA_WORKSPACE_SLUGS: 'Bad Slug=1' },
    ]) {
      const outcome = await algaPsaStandalone.open(alga.host.db, env).then(
        () => 'opened',
        (error: Error) => error,
      );
      expect(outcome, JSON.stringify(env)).to.be.instanceOf(StandaloneSetupError);
    }
    expect(algaPsaStandalone.settings.find((setting) => setting.name === 'NEXTAUTH_SECRET')?.required).to.equal(true);
  });

  it('lists every tenant, signs staff in with their Alga password and finds them again', async function () {
    const { seed } = alga.host;
    const standalone = await algaPsaStandalone.open(alga.host.db, { NEXTAUTH_SECRET, ALGA_BASE_URL: 'https://psa.northwind.example/' });
    const workspaces = await standalone.listWorkspaces();
    expect(workspaces.map((w) => w.id)).to.deep.equal([seed.tenant, seed.otherTenant]);
    expect(workspaces[0]).to.include({ name: 'Northwind IT', brandColor: '#1f6feb', logoUrl: 'https://cdn.northwind.example/logo.png' });
    expect((await standalone.adapter.workspaces.findBySlug(workspaces[0]!.slug))?.id).to.equal(seed.tenant);

    const alice = await standalone.signInStaff('ALICE@northwind.example', ADMIN_PASSWORD);
    expect(alice).to.deep.include({ id: seed.users.admin, workspaceId: seed.tenant, name: 'Alice Admin', role: 'admin' });
    expect((await standalone.signInStaff('alice', ADMIN_PASSWORD))?.id).to.equal(seed.users.admin);
    expect(await standalone.signInStaff('alice', `${ADMIN_PASSWORD}x`)).to.equal(null);
    expect(await standalone.signInStaff('nobody@northwind.example', ADMIN_PASSWORD)).to.equal(null);
    expect(await standalone.signInStaff('gone', 'Gone-alga-2026!'), 'disabled staff').to.equal(null);
    expect(await standalone.signInStaff('claire@harbor.example', CLAIRE_PASSWORD), 'a client login is not staff').to.equal(null);
    expect((await standalone.signInStaff('bob', 'Bob-alga-2026!'))?.role).to.equal('member');

    expect((await standalone.findStaff(seed.tenant, seed.users.admin))?.email).to.equal('alice@northwind.example');
    expect(await standalone.findStaff(seed.otherTenant, seed.users.admin)).to.equal(null);
    expect(await standalone.findStaff(seed.tenant, seed.users.disabledStaff)).to.equal(null);
    expect(await standalone.findStaff(seed.tenant, 'abc')).to.equal(null);

    // The staff pages speak the language and time zone Alga keeps for the user.
    expect(await standalone.findStaff(seed.tenant, seed.users.admin)).to.include({ locale: null });
    await alga.host.db('users').where({ tenant: seed.tenant, user_id: seed.users.admin }).update({ timezone: 'Europe/Berlin' });
    await alga.host
      .db('user_preferences')
      .insert({ tenant: seed.tenant, user_id: seed.users.admin, setting_name: 'locale', setting_value: JSON.stringify('de') });
    try {
      expect(await standalone.findStaff(seed.tenant, seed.users.admin)).to.include({ locale: 'de', timeZone: 'Europe/Berlin' });
    } finally {
      await alga.host.db('user_preferences').where({ tenant: seed.tenant, user_id: seed.users.admin, setting_name: 'locale' }).delete();
      await alga.host.db('users').where({ tenant: seed.tenant, user_id: seed.users.admin }).update({ timezone: null });
    }

    expect(standalone.crmRecordUrl('invoice', seed.invoices.unpaid)).to.equal(
      `https://psa.northwind.example/msp/invoices/${seed.invoices.unpaid}`,
    );
    expect(standalone.crmRecordUrl('quotation', seed.quotes.accept)).to.equal(
      `https://psa.northwind.example/msp/billing?tab=quotes&quoteId=${seed.quotes.accept}`,
    );
    expect(standalone.crmRecordUrl('client', seed.clients.bakery)).to.equal(
      `https://psa.northwind.example/msp/clients/${seed.clients.bakery}`,
    );
    expect(standalone.crmRecordUrl('task', seed.tasks.undated)).to.equal(null);
    expect(standalone.crmRecordUrl('invoice', 'not-a-uuid')).to.equal(null);
  });

  it('serves only the tenants named in ALGA_WORKSPACE_SLUGS, under those slugs', async function () {
    const { seed } = alga.host;
    const standalone = await algaPsaStandalone.open(alga.host.db, { NEXTAUTH_SECRET, ALGA_WORKSPACE_SLUGS: `contoso=${seed.otherTenant}` });
    expect((await standalone.listWorkspaces()).map((w) => [w.slug, w.id])).to.deep.equal([['contoso', seed.otherTenant]]);
    expect(await standalone.adapter.workspaces.findById(seed.tenant)).to.equal(null);
    expect((await standalone.adapter.workspaces.findBySlug('contoso'))?.id).to.equal(seed.otherTenant);
    expect(await standalone.signInStaff('alice', ADMIN_PASSWORD), 'a tenant not served').to.equal(null);
    expect((await standalone.signInStaff('carol', 'Carol-alga-2026!'))?.workspaceId).to.equal(seed.otherTenant);
    expect(await standalone.adapter.clients.list(seed.tenant)).to.deep.equal([]);
  });
});
