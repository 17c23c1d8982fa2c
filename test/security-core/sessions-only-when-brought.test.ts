// The session middleware runs only for requests that can have or start a session: any request
// bringing the portal's session cookie, and every POST (sign-in starts a session); a GET or HEAD
// without the cookie goes on without one. The whole portal suite (the route matrix's anonymous
// column among it) runs with this in place.
import { expect } from 'chai';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sessionsOnlyWhenBrought } from '../../src/core/sessions/only-when-brought.ts';

function run(method: string, cookie?: string): { sessionRan: boolean; nextCalls: number } {
  let sessionRan = false;
  let nextCalls = 0;
  const sessions: RequestHandler = (_req, _res, next) => {
    sessionRan = true;
    next();
  };
  const req = { method, headers: cookie === undefined ? {} : { cookie } } as Request;
  sessionsOnlyWhenBrought(sessions)(req, {} as Response, (() => (nextCalls += 1)) as NextFunction);
  return { sessionRan, nextCalls };
}

describe('the portal session is read only when a request can have one', function () {
  it('skips it for a GET or HEAD without the session cookie', function () {
    expect(run('GET')).to.deep.equal({ sessionRan: false, nextCalls: 1 });
    expect(run('HEAD')).to.deep.equal({ sessionRan: false, nextCalls: 1 });
    expect(run('GET', 'portal.csrf=abc; theme=dark')).to.deep.equal({ sessionRan: false, nextCalls: 1 });
    expect(run('GET', 'xportal.sid=abc'), 'another cookie whose name ends like it').to.deep.equal({ sessionRan: false, nextCalls: 1 });
    // express-session reads no session from an empty value either.
    expect(run('HEAD', 'portal.sid=')).to.deep.equal({ sessionRan: false, nextCalls: 1 });
  });

  it('runs it for any request bringing the cookie, and for every other method', function () {
    expect(run('GET', 'portal.sid=s%3Aabc.def')).to.deep.equal({ sessionRan: true, nextCalls: 1 });
    expect(run('GET', 'theme=dark; portal.sid=s%3Aabc.def')).to.deep.equal({ sessionRan: true, nextCalls: 1 });
    expect(run('GET', 'portal.sid =s%3Aabc.def'), 'a space before "=", which express-session accepts').to.deep.equal({
      sessionRan: true,
      nextCalls: 1,
    });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(run(method), method).to.deep.equal({ sessionRan: true, nextCalls: 1 });
  });
});
