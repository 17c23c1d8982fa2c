// The CRMs `npm run portal -- <command> --host <name>` can run beside. Each binding is loaded only
// when asked for, so one CRM's code (and its dependencies) never loads for another.
import type { StandaloneBinding } from './binding.ts';

export const STANDALONE_BINDINGS: Record<string, () => Promise<StandaloneBinding>> = {
  dolibarr: async () => (await import('../dolibarr/standalone.ts')).dolibarrStandalone,
  'alga-psa': async () => (await import('../alga-psa/standalone.ts')).algaPsaStandalone,
};

export const bindingNames = (): string[] => Object.keys(STANDALONE_BINDINGS);
