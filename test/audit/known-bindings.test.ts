// Covers the audit's list of host bindings: each binding's own claim list, never a copy. (That
// the audit and the bindings import nothing from test/ is one of test/architecture/import-rules.)
import { expect } from 'chai';
import { knownAdapterNames, resolveAdapter } from '../../audit/adapters.ts';
import { DOLIBARR_CLAIMS } from '../../plugins/dolibarr/claims.ts';
import { REFERENCE_CRM_CLAIMS } from '../../plugins/reference-crm/binding/claims.ts';

describe('audit: the host bindings it knows', () => {
  it('knows the adapters the host bindings list, with their own claim lists', () => {
    expect(knownAdapterNames()).to.include.members(['dolibarr', 'reference-crm']);
    // The audit reads the binding's own list: one list, not a copy.
    expect(resolveAdapter('dolibarr').claims).to.equal(DOLIBARR_CLAIMS);
    expect(resolveAdapter('reference-crm').claims).to.equal(REFERENCE_CRM_CLAIMS);
  });
});
