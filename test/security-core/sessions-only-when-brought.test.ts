// The portal's sessions (src/core/sessions/portal-sessions.ts) exist only for requests that can have
// or start one: any request bringing the portal's session cookie, and every POST (sign-in starts a
// session); a GET or HEAD without the cookie goes on without one. None of the requests here names
// a session a secret signed, so none reaches the database: the pool refuses any query. The whole
// portal suite (the route matrix's anonymous column among it) runs with this in place.
import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import type pg from 'pg';
import { portalSessions } from '../../src/core/sessions/portal-sessions.ts';

const noDatabase = {
  query: () => {
    throw new Error('no request here names a stored session');
  },
} as unknown as pg.Pool;
const sessions = portalSessions({
  pool: noDatabase,
  secrets: ['s'.repeat(40)],
  cookie: { path: '/portal', secure: false, maxAgeMs: 60_000 },
});

function run(method: string, cookie?: string): { session: boolean; nextCalls: number } {
  let nextCalls = 0;
  const req = { method, headers: cookie === undefined ? {} : { cookie } } as Request;
  const res = { writeHead() {}, end() {} } as unknown as Response;
  sessions(req, res, (() => (nextCalls += 1)) as NextFunction);
  return { session: req.session !== undefined && typeof req.sessionID === 'string', nextCalls };
}

describe('the portal session exists only when a request can have one', function () {
  it('is not there for a GET or HEAD without the session cookie', function () {
    expect(run('GET')).to.deep.equal({ session: false, nextCalls: 1 });
    expect(run('HEAD')).to.deep.equal({ session: false, nextCalls: 1 });
    expect(run('GET', 'portal.csrf=abc; theme=dark')).to.deep.equal({ session: false, nextCalls: 1 });
    expect(run('GET', 'xportal.sid=abc'), 'another cookie whose name ends like it').to.deep.equal({ session: false, nextCalls: 1 });
    expect(run('HEAD', 'portal.sid='), 'an empty value').to.deep.equal({ session: false, nextCalls: 1 });
  });

  it('is there, new, for any request bringing the cookie, and for every other method', function () {
    expect(run('GET', 'portal.sid=s%3Aabc.def')).to.deep.equal({ session: true, nextCalls: 1 });
    expect(run('GET', 'theme=dark; portal.sid=s%3Aabc.def')).to.deep.equal({ session: true, nextCalls: 1 });
    expect(run('GET', 'portal.sid =s%3Aabc.def'), 'a space before "="').to.deep.equal({ session: true, nextCalls: 1 });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(run(method), method).to.deep.equal({ session: true, nextCalls: 1 });
  });
});
