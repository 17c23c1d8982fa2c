// Every host binding's audit manifest, the list `npm run audit -- --host <name>` chooses from:
// each binding describes its adapter with its own exported claims (plugins/<crm>/audit-manifest.ts),
// never a copy. A new binding adds its manifest here.
import type { AdapterDescription } from '../src/index.ts';
import { ALGA_PSA_AUDIT_MANIFEST } from './alga-psa/audit-manifest.ts';
import { DOLIBARR_AUDIT_MANIFEST } from './dolibarr/audit-manifest.ts';
import { REFERENCE_CRM_AUDIT_MANIFEST } from './reference-crm/binding/audit-manifest.ts';

export const AUDIT_MANIFESTS: readonly AdapterDescription[] = [
  REFERENCE_CRM_AUDIT_MANIFEST,
  DOLIBARR_AUDIT_MANIFEST,
  ALGA_PSA_AUDIT_MANIFEST,
];
