// The stores behind sign-in, on a real database: client users (src/core/client-users/queries.ts) are
// found, listed and changed only within their own workspace, whatever id or email is asked for;
// status changes keep a disabled user disabled; and client sessions (src/core/sessions/queries.ts) are
// listed, kept, and ended per client user and workspace, never touching another's.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import {
  activate,
  findClientUserByContact,
  findClientUserByEmail,
  findClientUserById,
  insertClientUser,
  listClientUsers,
  markInvited,
  recordSignIn,
  setClientUserPreferences,
  setClientUserStatus,
  setPassword,
  updateClientUserEmail,
  type ClientUserRow,
} from '../../src/core/client-users/queries.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import {
  deleteExpiredSessions,
  deleteOldestSessions,
  deleteOtherSessions,
  deleteSession,
  listLiveSessions,
} from '../../src/core/sessions/queries.ts';
import { hashSessionId } from '../../src/core/sessions/portal-sessions.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';

describe('client user and session stores', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let n = 0;
  const unique = () => `${Date.now().toString(36)}-${++n}`;

  /** A client user in a workspace, with a twin of the same contact id and email in another one. */
  async function twins(status: ClientUserRow['status'] = 'active'): Promise<{ mine: ClientUserRow; theirs: ClientUserRow }> {
    const id = unique();
    const mine = await insertClientUser(db, {
      workspaceId: 'w-mine',
      clientId: 'c1',
      contactId: `contact-${id}`,
      email: `Person-${id}@Example.test`,
      status,
    });
    const theirs = await insertClientUser(db, {
      workspaceId: 'w-theirs',
      clientId: 'c9',
      contactId: `contact-${id}`,
      email: `person-${id}@example.test`,
      status,
    });
    return { mine, theirs };
  }

  before(async function () {
    database = await reusableTestDatabase('security-core');
    db = createKnex(database.url, 2);
    await migratePortal(db);
  });
  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  describe('client users', function () {
    it('stores the email lower-cased, and the invitation time only for an invited user', async function () {
      const { mine } = await twins('invited');
      expect(mine.email).to.equal(mine.email.toLowerCase());
      expect(mine.invited_at).to.be.instanceOf(Date);
      expect(mine.password_hash).to.equal(null);
      expect(mine.password_changed_at).to.equal(null);
      const active = await insertClientUser(db, {
        workspaceId: 'w-mine',
        clientId: 'c1',
        contactId: `contact-${unique()}`,
        email: `a-${unique()}@example.test`,
        status: 'active',
        passwordHash: 'hash',
      });
      expect(active.invited_at).to.equal(null);
      expect(active.password_hash).to.equal('hash');
      expect(active.password_changed_at).to.be.instanceOf(Date);
    });

    it('finds a user by id, contact or email only in its own workspace', async function () {
      const { mine, theirs } = await twins();
      expect((await findClientUserById(db, 'w-mine', mine.id))?.id).to.equal(mine.id);
      expect(await findClientUserById(db, 'w-mine', theirs.id)).to.equal(null);
      expect(await findClientUserById(db, 'w-theirs', mine.id)).to.equal(null);
      expect((await findClientUserByContact(db, 'w-mine', mine.contact_id))?.id).to.equal(mine.id);
      expect((await findClientUserByContact(db, 'w-theirs', mine.contact_id))?.id).to.equal(theirs.id);
      expect(await findClientUserByContact(db, 'w-nowhere', mine.contact_id)).to.equal(null);
      expect((await findClientUserByEmail(db, 'w-mine', mine.email.toUpperCase()))?.id).to.equal(mine.id);
      expect((await findClientUserByEmail(db, 'w-theirs', mine.email))?.id).to.equal(theirs.id);
      expect(await findClientUserByEmail(db, 'w-nowhere', mine.email)).to.equal(null);
    });

    it("lists a workspace's users by email, and no other workspace's", async function () {
      await twins();
      const listed = await listClientUsers(db, 'w-mine');
      expect(listed.length).to.be.greaterThan(0);
      expect(listed.every((u) => u.workspace_id === 'w-mine')).to.equal(true);
      const emails = listed.map((u) => u.email);
      expect(emails).to.deep.equal([...emails].sort());
    });

    it('changes a user only within the workspace given', async function () {
      const { mine, theirs } = await twins('invited');
      await setClientUserStatus(db, 'w-mine', theirs.id, 'disabled');
      await updateClientUserEmail(db, 'w-mine', theirs.id, 'hijack@example.test');
      await setPassword(db, 'w-mine', theirs.id, 'hijacked');
      await setClientUserPreferences(db, 'w-mine', theirs.id, { locale: 'de', timeZone: 'Europe/Berlin' });
      const untouched = (await findClientUserById(db, 'w-theirs', theirs.id))!;
      expect(untouched).to.include({ status: 'invited', email: theirs.email, password_hash: null, locale: null, time_zone: null });

      const address = `New.Address-${unique()}@Example.test`;
      await updateClientUserEmail(db, 'w-mine', mine.id, address);
      await setClientUserPreferences(db, 'w-mine', mine.id, { locale: 'de', timeZone: 'Europe/Berlin' });
      expect(await findClientUserById(db, 'w-mine', mine.id)).to.include({
        email: address.toLowerCase(),
        locale: 'de',
        time_zone: 'Europe/Berlin',
      });
    });

    it('sets the status of the one user named', async function () {
      const { mine } = await twins('active');
      const neighbour = (await twins('active')).mine;
      await setClientUserStatus(db, 'w-mine', mine.id, 'disabled');
      expect((await findClientUserById(db, 'w-mine', mine.id))!.status).to.equal('disabled');
      expect((await findClientUserById(db, 'w-mine', neighbour.id))!.status).to.equal('active');
    });

    it('activates or signs in only the user named', async function () {
      const { mine } = await twins('invited');
      const neighbour = (await twins('invited')).mine;
      await activate(db, 'w-mine', mine.id);
      await recordSignIn(db, 'w-mine', mine.id);
      expect(await findClientUserById(db, 'w-mine', neighbour.id)).to.include({ status: 'invited', last_sign_in_at: null });
    });

    it('activates an invited user with a password or a sign-in, but never a disabled one', async function () {
      const { mine } = await twins('invited');
      await setPassword(db, 'w-mine', mine.id, 'hash-1');
      const withPassword = (await findClientUserById(db, 'w-mine', mine.id))!;
      expect(withPassword).to.include({ status: 'active', password_hash: 'hash-1' });
      expect(withPassword.password_changed_at).to.be.instanceOf(Date);

      const signedIn = (await twins('invited')).mine;
      await recordSignIn(db, 'w-mine', signedIn.id);
      const after = (await findClientUserById(db, 'w-mine', signedIn.id))!;
      expect(after.status).to.equal('active');
      expect(after.last_sign_in_at).to.be.instanceOf(Date);

      const hostKept = (await twins('invited')).mine;
      await activate(db, 'w-mine', hostKept.id);
      expect((await findClientUserById(db, 'w-mine', hostKept.id))!.status).to.equal('active');

      const disabled = (await twins('disabled')).mine;
      await setPassword(db, 'w-mine', disabled.id, 'hash-2');
      await activate(db, 'w-mine', disabled.id);
      await recordSignIn(db, 'w-mine', disabled.id);
      expect((await findClientUserById(db, 'w-mine', disabled.id))!.status).to.equal('disabled');
    });

    it('marks an invitation sent again with a new time, in its workspace only', async function () {
      const { mine, theirs } = await twins('invited');
      await db('client_users')
        .whereIn('id', [mine.id, theirs.id])
        .update({ invited_at: new Date('2020-01-01T00:00:00Z') });
      await markInvited(db, 'w-mine', mine.id);
      expect((await findClientUserById(db, 'w-mine', mine.id))!.invited_at!.getFullYear()).to.be.greaterThan(2020);
      expect((await findClientUserById(db, 'w-theirs', theirs.id))!.invited_at!.toISOString()).to.equal('2020-01-01T00:00:00.000Z');
    });
  });

  describe('client sessions', function () {
    const now = new Date('2030-01-01T12:00:00Z');
    const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);

    async function session(workspaceId: string, clientUserId: string, expire: Date): Promise<string> {
      const sid = hashSessionId(unique());
      await db('client_sessions').insert({
        sid,
        sess: JSON.stringify({ portal: { workspaceId, clientUserId, signedInAt: now.toISOString(), ip: null, userAgent: null } }),
        expire,
      });
      return sid;
    }

    it("lists a client user's live sessions newest first with their total, and no one else's", async function () {
      const user = unique();
      const older = await session('w-mine', user, hours(1));
      const newer = await session('w-mine', user, hours(2));
      await session('w-mine', user, hours(-1));
      await session('w-theirs', user, hours(3));
      await session('w-mine', unique(), hours(3));
      const listed = await listLiveSessions(db, 'w-mine', user, now, 1);
      expect(listed.map((s) => s.sid)).to.deep.equal([newer]);
      expect(listed[0]!.total).to.equal(2);
      expect((await listLiveSessions(db, 'w-mine', user, now, 10)).map((s) => s.sid)).to.deep.equal([newer, older]);
    });

    it('ends all other sessions of a client user, keeping the one given or none', async function () {
      const user = unique();
      const keep = await session('w-mine', user, hours(1));
      await session('w-mine', user, hours(2));
      const theirs = await session('w-theirs', user, hours(2));
      const someoneElse = await session('w-mine', unique(), hours(2));
      expect(await deleteOtherSessions(db, 'w-mine', user, keep)).to.equal(1);
      expect((await listLiveSessions(db, 'w-mine', user, now, 10)).map((s) => s.sid)).to.deep.equal([keep]);
      expect(await deleteOtherSessions(db, 'w-mine', user, null)).to.equal(1);
      expect(await listLiveSessions(db, 'w-mine', user, now, 10)).to.deep.equal([]);
      expect((await db('client_sessions').whereIn('sid', [theirs, someoneElse]).pluck('sid')).sort()).to.deep.equal(
        [theirs, someoneElse].sort(),
      );
    });

    it('ends one session only for its own client user and workspace', async function () {
      const user = unique();
      const sid = await session('w-mine', user, hours(1));
      expect(await deleteSession(db, 'w-theirs', user, sid)).to.equal(0);
      expect(await deleteSession(db, 'w-mine', unique(), sid)).to.equal(0);
      const sibling = await session('w-mine', user, hours(2));
      expect(await deleteSession(db, 'w-mine', user, sid)).to.equal(1);
      expect((await listLiveSessions(db, 'w-mine', user, now, 10)).map((s) => s.sid)).to.deep.equal([sibling]);
    });

    it('keeps only the newest sessions of a client user', async function () {
      const user = unique();
      await session('w-mine', user, hours(1));
      const second = await session('w-mine', user, hours(2));
      const third = await session('w-mine', user, hours(3));
      const theirs = await session('w-theirs', user, hours(0.5));
      expect(await deleteOldestSessions(db, 'w-mine', user, 2)).to.equal(1);
      expect((await listLiveSessions(db, 'w-mine', user, now, 10)).map((s) => s.sid)).to.deep.equal([third, second]);
      expect(await db('client_sessions').where({ sid: theirs }).first('sid')).to.deep.equal({ sid: theirs });
    });

    it('leaves the session being written out of the count, whether it is already there or not', async function () {
      const user = unique();
      await session('w-mine', user, hours(1));
      const second = await session('w-mine', user, hours(2));
      const written = await session('w-mine', user, hours(3));
      expect(await deleteOldestSessions(db, 'w-mine', user, 1, written)).to.equal(1);
      expect((await listLiveSessions(db, 'w-mine', user, now, 10)).map((s) => s.sid)).to.deep.equal([written, second]);
      expect(await deleteOldestSessions(db, 'w-mine', user, 1, 'not-written-yet')).to.equal(1);
      expect((await listLiveSessions(db, 'w-mine', user, now, 10)).map((s) => s.sid)).to.deep.equal([written]);
    });

    it('deletes expired sessions only', async function () {
      const user = unique();
      const expired = await session('w-mine', user, hours(-1));
      const live = await session('w-mine', user, hours(1));
      expect(await deleteExpiredSessions(db, now)).to.be.at.least(1);
      expect(await db('client_sessions').where({ sid: expired }).first()).to.equal(undefined);
      expect(await db('client_sessions').where({ sid: live }).first('sid')).to.deep.equal({ sid: live });
    });
  });
});
