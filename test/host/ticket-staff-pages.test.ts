// Where a staff notification about a ticket leads: each host's own page of the ticket, built from
// the host's address where it runs apart, a path on the CRM's origin where it serves the portal.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { algaTickets } from '../../plugins/alga-psa/tickets.ts';
import { dolibarrTickets } from '../../plugins/dolibarr/tickets.ts';
import { referenceTickets } from '../../plugins/reference-crm/binding/portal-tickets.ts';

// Building a port reads nothing: no query runs until one of its methods is called.
const noDatabase = null as unknown as Knex;
const ALGA_TICKET = '0b8ad8c4-3bb8-4b47-9f0e-6a2a3a4f2d11';

describe("a ticket's page for the agency's staff", function () {
  it("is the reference CRM's own ticket page, on its origin", function () {
    const port = referenceTickets(noDatabase);
    expect(port.staffPageOf?.('42')).to.equal('/tickets/42');
    expect(port.staffPageOf?.('42/../../x')).to.equal(null);
  });

  it("is Dolibarr's ticket card at DOLIBARR_URL, and none without it", function () {
    const withUrl = dolibarrTickets(noDatabase, () => 1, { userId: null, crmUrl: 'https://erp.example.com/' });
    expect(withUrl.staffPageOf?.('12')).to.equal('https://erp.example.com/ticket/card.php?id=12');
    expect(withUrl.staffPageOf?.('twelve')).to.equal(null);
    expect(dolibarrTickets(noDatabase, () => 1, { userId: null }).staffPageOf?.('12')).to.equal(null);
  });

  it("is Alga's ticket page at ALGA_BASE_URL, and none without it", function () {
    const withUrl = algaTickets(noDatabase, () => 'tenant', { crmUrl: 'https://psa.example.com' });
    expect(withUrl.staffPageOf?.(ALGA_TICKET)).to.equal(`https://psa.example.com/msp/tickets/${ALGA_TICKET}`);
    expect(withUrl.staffPageOf?.('not-a-uuid')).to.equal(null);
    expect(algaTickets(noDatabase, () => 'tenant').staffPageOf?.(ALGA_TICKET)).to.equal(null);
  });
});
