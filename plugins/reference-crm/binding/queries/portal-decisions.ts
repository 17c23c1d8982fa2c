// The client's decision on a proposal or quotation, written for the portal: one conditional
// update, so the row changes only while it is still open ('sent'). Two concurrent accepts race on
// the row lock; the second sees the first's status and matches nothing.
import type { Db } from '../../queries/db.ts';

export async function decideOffer(
  db: Db,
  args: {
    table: 'proposals' | 'quotations';
    workspaceId: number;
    clientId: number;
    offerId: number;
    outcome: 'accepted' | 'declined';
    at: Date;
  },
): Promise<boolean> {
  const changed = await db(args.table)
    .where({ id: args.offerId, workspace_id: args.workspaceId, client_id: args.clientId, status: 'sent' })
    .update({ status: args.outcome, decided_at: args.at });
  return changed === 1;
}
