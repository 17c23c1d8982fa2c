// The offers' part of a person's data: the decisions they made on proposals and quotations, with
// what they signed. An erasure keeps the decisions (the evidence of an agreement) and removes the
// record of the reminders they were sent.
import type { Knex } from 'knex';
import { type ArchiveEntry, iso, type PersonalDataHook } from '../../core/index.ts';
import { countPersonDecisions, personDecisions } from './decisions/queries.ts';
import { deletePersonReminders } from './reminders/queries.ts';

export function offersPersonalData(db: Knex): PersonalDataHook {
  return {
    tables: ['portal_offer_decisions', 'portal_offer_reminders'],

    async export({ workspaceId, user }) {
      const decisions = await personDecisions(db, workspaceId, user.id);
      const signatures: ArchiveEntry[] = [];
      const json = decisions.map((d) => {
        const signature = d.signature_png ? `signatures/${d.id}.png` : null;
        if (d.signature_png && signature) signatures.push({ path: signature, bytes: d.signature_png });
        return {
          on: { type: d.offer_kind, id: d.offer_id },
          outcome: d.outcome,
          method: d.method,
          at: iso(d.decided_at),
          typedName: d.typed_name,
          email: d.email,
          note: d.note,
          purchaseOrder: d.po_number,
          ip: d.ip,
          userAgent: d.user_agent,
          signature,
          documentAsSigned: d.snapshot,
          documentSha256: d.snapshot_sha256,
        };
      });
      return { entries: [...signatures, { path: 'decisions.json', json }] };
    },

    async erase(trx, person) {
      return { counts: { reminders: await deletePersonReminders(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ decisions: countPersonDecisions(db, person.workspaceId, person.id) }),
  };
}
