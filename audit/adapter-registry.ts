// The host adapters the audit knows. Each host binding under plugins/<crm>/ registers itself here
// from its audit manifest (plugins/<crm>/audit-manifest.ts) with its own exported claims, never a
// copy; plugins/audit-manifests.ts imports them all. The audit itself names no host.
import type { HostClaim } from '../src/ports/host.ts';

export interface AdapterDescription {
  name: string;
  description: string;
  claims: readonly HostClaim[];
}

const registered = new Map<string, AdapterDescription>();

export function registerAuditAdapter(adapter: AdapterDescription): void {
  const known = registered.get(adapter.name);
  if (known && known !== adapter) throw new Error(`An audit adapter named "${adapter.name}" is already registered`);
  registered.set(adapter.name, adapter);
}

export function registeredAuditAdapter(name: string): AdapterDescription | undefined {
  return registered.get(name);
}

export function registeredAuditAdapterNames(): string[] {
  return [...registered.keys()].sort();
}
