// Every host binding's audit manifest: importing this module registers each binding's adapter and
// claims with the audit (audit/adapter-registry.ts). A new binding adds its manifest here.
import './reference-crm/audit-manifest.ts';
import './second-crm/audit-manifest.ts';
import './dolibarr/audit-manifest.ts';
import './alga-psa/audit-manifest.ts';
