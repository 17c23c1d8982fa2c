// Covers the second host's claims: they hold against its schema as loaded from schema.sql, and an
// adapter claiming a column the host lacks stops `portal.migrate()` with the column's full name
// before anything is created.
import { expect } from 'chai';
import { findClaimProblems, HostClaimError } from '../../src/host/verify-claims.ts';
import { createSecondCrmAdapter, SECOND_CRM_CLAIMS } from '../../plugins/second-crm/adapter.ts';
import { publicTables } from '../support/schema-snapshot.ts';
import { startSecondHost, type SecondHost } from '../support/second-host-harness.ts';

describe('second host: adapter claims', function () {
  let h: SecondHost | undefined;

  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it('hold against the schema, and the ports match the claimed concepts', async function () {
    h = await startSecondHost({ migrate: false });
    expect(await findClaimProblems(h.db, h.adapter)).to.deep.equal([]);
    const concepts = new Set(SECOND_CRM_CLAIMS.map((claim) => claim.concept));
    expect(concepts.has('clientCredentials')).to.equal(true);
    expect(concepts.has('comment')).to.equal(true);
    expect(h.adapter.credentials).to.not.equal(undefined);
    expect(h.adapter.comments).to.not.equal(undefined);
  });

  it('stop migrate, naming the missing column, before anything is created', async function () {
    h = await startSecondHost({
      migrate: false,
      adapter: (db) => ({
        ...createSecondCrmAdapter(db),
        claims: [...SECOND_CRM_CLAIMS, { concept: 'clientCredentials', table: 'llx_socpeople', columns: ['pass_crypted', 'portal_token'] }],
      }),
    });
    const tablesBefore = await publicTables(h.db);
    const error = await h.portal.migrate().then(() => null, (err: unknown) => err);
    expect(error).to.be.instanceOf(HostClaimError);
    expect((error as Error).message).to.include('public.llx_socpeople.portal_token');
    expect((error as Error).message).to.not.include('public.llx_socpeople.pass_crypted');
    expect((error as Error).message).to.include('second-crm');
    expect(await publicTables(h.db)).to.deep.equal(tablesBefore);
    expect(tablesBefore.filter((table) => /^(client_|portal_|workspace_client_portal)/.test(table))).to.deep.equal([]);
  });
});
