// The files of invoices beside its code: invoices, their payments, receipts and statements.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as workspaceStripeKeys from './migrations/20261231000002_workspace_stripe_keys.ts';
import * as unappliedPayments from './migrations/20270102000001_unapplied_payments.ts';
import * as checkoutsOfSeveralInvoices from './migrations/20270702000001_checkouts_of_several_invoices.ts';
import * as savedMethodsAndAutopay from './migrations/20270704000001_saved_methods_and_autopay.ts';

export const invoicesManifest: FeatureManifest = {
  name: 'invoices',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261231000002_workspace_stripe_keys': workspaceStripeKeys,
    '20270102000001_unapplied_payments': unappliedPayments,
    '20270702000001_checkouts_of_several_invoices': checkoutsOfSeveralInvoices,
    '20270704000001_saved_methods_and_autopay': savedMethodsAndAutopay,
  },
  hostPorts: [
    { member: 'invoices', port: 'InvoicesPort', methods: ['list', 'find'] },
    { member: 'stripeKeys', port: 'HostStripeKeysPort', methods: ['stripeKeys'] },
  ],
  staffPages: [{ path: '/payments', label: 'payments:staffNav', order: 50 }],
};
