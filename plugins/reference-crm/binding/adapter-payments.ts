// The reference CRM's side of paying from the portal: InvoicesPort.recordPayment and the workspace
// admins notifications go to. Apart from adapter.ts so the port's reads and this write each stay
// readable; adapter.ts puts them together.
import type { Knex } from 'knex';
import type { HostStaffUser, InvoicesPort } from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import { presentPayment } from './portal-commercial.ts';
import { recordClientPayment } from './queries/portal-payments.ts';
import { listStaff } from '../queries/staff-users.ts';

export function recordPaymentPort(db: Knex): InvoicesPort['recordPayment'] {
  return async (workspaceId, clientId, invoiceId, payment, write) => {
    const ws = parseId(workspaceId);
    const client = parseId(clientId);
    const id = parseId(invoiceId);
    if (ws === null || client === null || id === null) return null;
    if (!Number.isSafeInteger(payment.amountCents) || payment.amountCents <= 0) return null;
    const row = await recordClientPayment(write?.trx ?? db, {
      workspaceId: ws,
      clientId: client,
      invoiceId: id,
      amountCents: payment.amountCents,
      method: payment.method.slice(0, 40),
      reference: payment.reference?.slice(0, 200) ?? null,
      provider: payment.provider?.slice(0, 40) ?? null,
      paidAt: payment.paidAt,
    });
    return row ? presentPayment(row) : null;
  };
}

export function listAdminsPort(db: Knex) {
  return async (workspaceId: string): Promise<HostStaffUser[]> => {
    const ws = parseId(workspaceId);
    if (ws === null) return [];
    const rows = await listStaff(db, { workspaceId: ws });
    return rows
      .filter((row) => row.role === 'admin')
      .map((row) => ({ id: toHostId(row.id), workspaceId: toHostId(row.workspace_id), name: row.name, email: row.email, role: row.role }));
  };
}
