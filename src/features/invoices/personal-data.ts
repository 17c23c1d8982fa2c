// The invoices' part of a person's data: the payments they started, the payment methods they saved
// and the autopay consent they accepted. An erasure keeps the payments and the company's methods as
// they are (they are the agency's accounts and the company's), forgets who saved a method, and
// anonymises the consent the person accepted; autopay, which nobody now answers for, switches off.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { personPayments } from './payments/queries.ts';
import { erasePersonsPaymentMethods, personsPaymentMethods } from './payment-methods/personal-data-queries.ts';

export function invoicesPersonalData(db: Knex): PersonalDataHook {
  return {
    // client_autopay_charges name no person (the company's invoice and method): kept on purpose.
    tables: ['client_payments', 'client_payment_methods', 'client_payment_setups', 'client_autopay', 'client_autopay_charges'],

    async export({ workspaceId, user }) {
      const [payments, saved] = await Promise.all([
        personPayments(db, workspaceId, user.id),
        personsPaymentMethods(db, workspaceId, user.id),
      ]);
      const json = payments.map((p) => ({
        invoice: { id: p.invoice_id, number: p.invoice_number },
        provider: p.provider,
        amount: { cents: Number(p.amount_cents), currency: p.currency },
        status: p.status,
        origin: p.origin,
        startedAt: iso(p.created_at),
        completedAt: iso(p.completed_at),
      }));
      return {
        entries: [
          { path: 'payments.json', json },
          {
            path: 'payment-methods.json',
            json: {
              saved: saved.methods.map((m) => ({
                kind: m.kind,
                brand: m.brand,
                last4: m.last4,
                mandateReference: m.mandate_reference,
                addedAt: iso(m.added_at),
                removedAt: iso(m.removed_at),
              })),
              autopayConsents: saved.consents.map((c) => ({
                text: c.consent_text,
                version: c.consent_version,
                chargeOn: c.charge_on,
                acceptedAt: iso(c.accepted_at),
                from: { ip: c.accepted_ip, browser: c.accepted_user_agent },
                on: c.enabled,
              })),
            },
          },
        ],
      };
    },

    erase: async (trx, person) => ({ counts: await erasePersonsPaymentMethods(trx, { workspaceId: person.workspaceId, id: person.id }) }),
  };
}
