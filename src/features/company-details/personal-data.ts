// The company details' part of a person's data. The details are the company's, kept by the host on
// the company's record, not the person's: the portal keeps no row of its own about them. What a
// person changed is in the activity log (old → new per field), which the core exports and whose
// text it removes on erasure; so an export adds nothing here and an erasure changes nothing.
import type { PersonalDataHook } from '../../core/index.ts';

export function companyDetailsPersonalData(): PersonalDataHook {
  return {
    tables: [],
    async export() {
      return {};
    },
    async erase() {
      return { counts: {} };
    },
  };
}
