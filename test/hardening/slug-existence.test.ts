// A workspace whose portal is off and a slug no workspace has must look the same from outside,
// timing included: over HTTP, both answer 404 along the same path with the same SQL, on the first
// request (one host read and one settings read each) and on every later one (none: both from the
// workspace cache). The timing itself is measured by bench/slug-timing.ts, not asserted here.
import { expect } from 'chai';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

describe('unknown slug and switched-off workspace cost the same', function () {
  this.timeout(120_000);
  let h: PortalHarness;

  before(async function () {
    // The portal is on for demo only: acme exists with it off.
    h = await startPortalHarness({ enabledFor: ['demo'] });
  });
  after(async function () {
    await h?.close();
  });

  async function queriesOf(path: string): Promise<{ status: number; sql: string[] }> {
    const sql: string[] = [];
    const listen = (query: { sql: string }) => sql.push(query.sql.replace(/\$\d+/g, '?'));
    h.crm.db.on('query', listen);
    try {
      const res = await h.agent().get(path);
      return { status: res.status, sql };
    } finally {
      h.crm.db.off('query', listen);
    }
  }

  it('answers both with the same 404 and the same queries, first and again', async function () {
    for (const round of ['first', 'second', 'third']) {
      const off = await queriesOf('/portal/acme/sign-in');
      const unknown = await queriesOf('/portal/no-such-agency/sign-in');
      expect(off.status, round).to.equal(404);
      expect(unknown.status, round).to.equal(404);
      expect(unknown.sql, `${round} request: unknown slug against switched-off workspace`).to.deep.equal(off.sql);
      if (round === 'first') expect(off.sql.length, "a host read, a settings read and the staff's languages").to.equal(3);
      else expect(off.sql, `${round} request comes from the cache`).to.deep.equal([]);
    }
  });
});
