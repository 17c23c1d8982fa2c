// What the audit knows of a host binding: its name, a sentence, and its own exported claims
// (plugins/<crm>/audit-manifest.ts, listed in plugins/audit-manifests.ts), never a copy, so what
// the audit checks is what the plugin will rely on. The audit itself names no host.
import type { AdapterDescription } from '../src/core/host-schema.ts';

export type { AdapterDescription };
