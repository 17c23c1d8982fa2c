// Where a staff notification about a request, an appointment, an approval or an order again leads:
// the host's own page of the record (the reference CRM's, on its origin; Dolibarr's card at its
// address where it runs apart, none without it), never a path built from a malformed id.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { dolibarrAppointments } from '../../plugins/dolibarr/appointments.ts';
import { dolibarrOrders } from '../../plugins/dolibarr/orders.ts';
import { referenceAppointments } from '../../plugins/reference-crm/binding/portal-appointments.ts';
import { referenceApprovals } from '../../plugins/reference-crm/binding/portal-approvals.ts';
import { referenceOrders } from '../../plugins/reference-crm/binding/portal-orders.ts';
import { referenceRequests } from '../../plugins/reference-crm/binding/portal-requests.ts';

// Building a port reads nothing: no query runs until one of its methods is called.
const noDatabase = null as unknown as Knex;

describe("a record's page for the agency's staff", function () {
  it("is the reference CRM's own page of each record, on its origin", function () {
    expect(referenceRequests(noDatabase).staffPageOf?.('5')).to.equal('/requests/5');
    expect(referenceAppointments(noDatabase).staffPageOf?.('6')).to.equal('/appointments/6');
    expect(referenceApprovals(noDatabase).staffPageOf?.('7')).to.equal('/approvals/7');
    expect(referenceOrders(noDatabase).staffPageOf?.('9')).to.equal('/orders/9');
    expect(referenceOrders(noDatabase).staffPageOf?.('9/../x')).to.equal(null);
  });

  it("is Dolibarr's order and agenda event card at DOLIBARR_URL, and none without it", function () {
    const crmUrl = 'https://erp.example.com/';
    expect(dolibarrOrders(noDatabase, () => 1, { userId: null, crmUrl }).staffPageOf?.('9')).to.equal(
      'https://erp.example.com/commande/card.php?id=9',
    );
    expect(dolibarrAppointments(noDatabase, () => 1, { crmUrl }).staffPageOf?.('6')).to.equal(
      'https://erp.example.com/comm/action/card.php?id=6',
    );
    expect(dolibarrAppointments(noDatabase, () => 1, { crmUrl }).staffPageOf?.('six')).to.equal(null);
    expect(dolibarrOrders(noDatabase, () => 1, { userId: null }).staffPageOf?.('9')).to.equal(null);
    expect(dolibarrAppointments(noDatabase, () => 1).staffPageOf?.('6')).to.equal(null);
  });
});
