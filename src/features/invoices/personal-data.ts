// The invoices' part of a person's data: the payments they started. An erasure keeps them as they
// are: they are the agency's accounts.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { personPayments } from './payments/queries.ts';

export function invoicesPersonalData(db: Knex): PersonalDataHook {
  return {
    tables: ['client_payments'],

    async export({ workspaceId, user }) {
      const payments = await personPayments(db, workspaceId, user.id);
      const json = payments.map((p) => ({
        invoice: { id: p.invoice_id, number: p.invoice_number },
        provider: p.provider,
        amount: { cents: Number(p.amount_cents), currency: p.currency },
        status: p.status,
        startedAt: iso(p.created_at),
        completedAt: iso(p.completed_at),
      }));
      return { entries: [{ path: 'payments.json', json }] };
    },

    erase: async () => ({ counts: {} }),
  };
}
