// SQL of a person's part in saved methods and autopay, for their export and their erasure.
import type { Knex } from 'knex';

export async function personsPaymentMethods(db: Knex, workspaceId: string, clientUserId: string) {
  const [methods, consents] = await Promise.all([
    db('client_payment_methods').where({ workspace_id: workspaceId, added_by_client_user_id: clientUserId }).orderBy('added_at').select<
      Array<{
        kind: string;
        brand: string | null;
        last4: string | null;
        mandate_reference: string | null;
        added_at: Date;
        removed_at: Date | null;
      }>
    >(['kind', 'brand', 'last4', 'mandate_reference', 'added_at', 'removed_at']),
    db('client_autopay').where({ workspace_id: workspaceId, accepted_by_client_user_id: clientUserId }).select<
      Array<{
        consent_text: string;
        consent_version: string;
        charge_on: string;
        accepted_at: Date;
        accepted_ip: string | null;
        accepted_user_agent: string | null;
        enabled: boolean;
      }>
    >(['consent_text', 'consent_version', 'charge_on', 'accepted_at', 'accepted_ip', 'accepted_user_agent', 'enabled']),
  ]);
  return { methods, consents };
}

/** Forgets the person in saved methods, setups and the consent they accepted; their company's autopay switches off. */
export async function erasePersonsPaymentMethods(
  trx: Knex.Transaction,
  person: { workspaceId: string; id: string },
): Promise<Record<string, number>> {
  const methods = await trx('client_payment_methods')
    .where({ workspace_id: person.workspaceId, added_by_client_user_id: person.id })
    .update({ added_by_client_user_id: null });
  const setups = await trx('client_payment_setups').where({ workspace_id: person.workspaceId, client_user_id: person.id }).delete();
  const consents = await trx('client_autopay')
    .where({ workspace_id: person.workspaceId, accepted_by_client_user_id: person.id })
    .update({ enabled: false, accepted_by_email: 'erased', accepted_ip: null, accepted_user_agent: null, switched_off_at: trx.fn.now() });
  return { paymentMethods: methods + setups, autopayConsents: consents };
}
