// A company's SCIM tokens: 32 random bytes, shown once, kept as their SHA-256 hash with a prefix
// to recognise them by. The value waits for the page after its creation sealed (secret box,
// bound to the workspace and the token), at most ten minutes, and is deleted as that page shows it.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createSecretBox, generateToken, hashToken, insertStaffActivity, type PortalConfig, type StaffActor } from '../../core/index.ts';
import { insertReveal, insertToken, revokeToken, takeReveals } from './queries.ts';

const REVEAL_MS = 10 * 60_000;
const PREFIX_LENGTH = 8;

const boundTo = (workspaceId: string, tokenId: string) => `${workspaceId}:${tokenId}`;

export function createTokens(deps: { db: Knex; config: Pick<PortalConfig, 'sessionSecret' | 'previousSessionSecrets'>; now: () => Date }) {
  const { db, config, now } = deps;
  const box = createSecretBox(config.sessionSecret, config.previousSessionSecrets, 'scim token reveal v1');
  return {
    /** Creates a token for the company; false when this form already made one (sent twice). */
    async create(actor: StaffActor, clientId: string, formId: string): Promise<boolean> {
      const workspaceId = actor.workspace.id;
      const token = generateToken();
      const id = randomUUID();
      return db.transaction(async (trx) => {
        const created = await insertToken(trx, {
          workspaceId,
          id,
          clientId,
          tokenHash: hashToken(token),
          prefix: token.slice(0, PREFIX_LENGTH),
          formId,
          staffId: actor.staff.id,
          staffName: actor.staff.name,
        });
        if (!created) return false;
        await insertReveal(trx, workspaceId, id, box.seal(token, boundTo(workspaceId, id)), new Date(now().getTime() + REVEAL_MS));
        await insertStaffActivity(
          trx,
          actor,
          'directory.token_created',
          { tokenId: id, tokenPrefix: token.slice(0, PREFIX_LENGTH) },
          { clientId },
        );
        return true;
      });
    },

    async revoke(actor: StaffActor, clientId: string, tokenId: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        if (!(await revokeToken(trx, actor.workspace.id, clientId, tokenId))) return false;
        await insertStaffActivity(trx, actor, 'directory.token_revoked', { tokenId }, { clientId });
        return true;
      });
    },

    /** The company's new tokens' values, each once. */
    async reveal(workspaceId: string, clientId: string): Promise<Array<{ id: string; token: string }>> {
      const rows = await takeReveals(db, workspaceId, clientId);
      return rows.flatMap((row) => {
        const opened = box.open(row.token_sealed, boundTo(workspaceId, row.token_id));
        return opened ? [{ id: row.token_id, token: opened.plain }] : [];
      });
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
