// The SCIM 2.0 endpoints a client company's directory calls, under /:workspaceSlug/scim/v2 (the
// workspace router's API routes: no session, no CSRF token). Each request, in order: HTTPS where
// the portal runs with secure cookies (production), the failed-token limit of its address, the
// bearer token (by its hash, in this workspace, not revoked), the token's own request limit, then
// the JSON body (64 KB at most). Every answer is application/scim+json; every refusal SCIM's error.
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import {
  hashToken,
  inProduction,
  isDatabaseUnavailable,
  isWriteConflict,
  type LimitRule,
  type PortalLogger,
  portalContext,
  type PortalConfig,
  type RateLimiter,
  requestMeta,
} from '../../core/index.ts';
import {
  applyPatch,
  GroupBody,
  groupChangeOf,
  ListQuery,
  pageOf,
  parseFilter,
  parseGroupFilter,
  PatchBody,
  UserBody,
} from './scim-commands.ts';
import { notFoundScim, SCIM_CONTENT_TYPE, ScimError, sendScimError } from './scim-errors.ts';
import type { ScimActor, ScimPeople } from './scim-people.ts';
import { presentGroup, presentUser } from './presenters.ts';
import type { ScimGroups } from './scim-groups.ts';
import { listGroups } from './group-queries.ts';
import { findLiveToken, listPeople, touchToken, type TokenRow } from './queries.ts';
import {
  GROUP_SCHEMA,
  groupResourceType,
  groupSchema,
  listOf,
  serviceProviderConfig,
  USER_SCHEMA,
  userResourceType,
  userSchema,
} from './scim-schemas.ts';
import type { Knex } from 'knex';

const MINUTE = 60;
const V2 = '/scim/v2';

/** A directory's sync sends a burst (Entra: a few per second per tenant); a wrong token is tried a few times at most. */
const SCIM_LIMITS = {
  requestsPerToken: { name: 'scim:token', points: 600, windowSeconds: MINUTE, blockSeconds: MINUTE },
  failedTokensPerIp: { name: 'scim-fail:ip', points: 20, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
} satisfies Record<string, LimitRule>;

const SCIM_BODY_LIMIT = '64kb';

const tooMany = (retryAfterSeconds: number) =>
  new ScimError(429, 'Too many requests: wait before trying again.', undefined, { 'Retry-After': String(retryAfterSeconds) });

/** In production (secure cookies) the token travels only over HTTPS: anything else is refused before it is read. */
export function httpsOnly(config: Pick<PortalConfig, 'secureCookies'>) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (inProduction(config) && !req.secure) return next(new ScimError(403, 'SCIM is served over HTTPS only.'));
    next();
  };
}

function bearerOf(req: Request): string | null {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,100})\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1] ?? null;
}

const scimToken = (res: Response) => res.locals.scimToken as TokenRow;

export function scimRoutes(deps: {
  db: Knex;
  config: PortalConfig;
  limiter: RateLimiter;
  people: ScimPeople;
  groups: ScimGroups;
  logger: Pick<PortalLogger, 'error'>;
}): Router {
  const { db, config, limiter, people, groups, logger } = deps;
  const router = Router({ mergeParams: true });
  const base = (res: Response) => `${config.appUrl}${portalContext(res).base}/scim/v2`;
  const actor = (req: Request, res: Response): ScimActor => ({ token: scimToken(res), meta: requestMeta(req) });
  const send = (res: Response, status: number, body: unknown) => {
    res.status(status).type(SCIM_CONTENT_TYPE).send(JSON.stringify(body));
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const ip = req.ip ?? 'unknown';
    const blocked = await limiter.check(SCIM_LIMITS.failedTokensPerIp, ip);
    if (!blocked.allowed) throw tooMany(blocked.retryAfterSeconds);
    const bearer = bearerOf(req);
    const token = bearer ? await findLiveToken(db, portalContext(res).workspace.id, hashToken(bearer)) : null;
    if (!token) {
      await limiter.consume(SCIM_LIMITS.failedTokensPerIp, ip);
      throw new ScimError(401, 'A valid bearer token is needed.', undefined, { 'WWW-Authenticate': 'Bearer realm="scim"' });
    }
    const allowed = await limiter.consume(SCIM_LIMITS.requestsPerToken, token.id);
    if (!allowed.allowed) throw tooMany(allowed.retryAfterSeconds);
    // Its last use is kept to the minute: a directory's burst writes the row once, and reads only after that.
    if (!token.last_used_at || Date.now() - token.last_used_at.getTime() > 60_000) await touchToken(db, token.workspace_id, token.id);
    res.locals.scimToken = token;
    next();
  };

  const parseJson = express.json({ limit: SCIM_BODY_LIMIT, strict: true, type: ['application/scim+json', 'application/json'] });
  const body = (req: Request, res: Response, next: NextFunction) =>
    parseJson(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = (err as { type?: string }).type;
      if (type === 'entity.too.large') return next(new ScimError(413, `The body is larger than ${SCIM_BODY_LIMIT}.`));
      next(new ScimError(400, 'The body is not valid JSON.', 'invalidSyntax'));
    });

  /** The body read with a schema; the first problem said in SCIM's words. */
  const read = <T>(
    schema: {
      safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[] }> } };
    },
    value: unknown,
  ): T => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ScimError(400, 'The body must be a JSON object (application/scim+json).', 'invalidSyntax');
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.map(String).join('.') || 'body';
      throw new ScimError(400, `The attribute ${where} is missing or not valid.`, 'invalidValue');
    }
    return parsed.data;
  };

  const id = (req: Request) => {
    const value = String(req.params.id ?? '');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw notFoundScim();
    return value.toLowerCase();
  };

  // Full paths on one router, so the route table reads them as mounted.
  router.use(V2, httpsOnly(config), authenticate);

  router.get(`${V2}/ServiceProviderConfig`, (_req, res) => send(res, 200, serviceProviderConfig(base(res))));
  router.get(`${V2}/Schemas`, (_req, res) => send(res, 200, listOf([userSchema(base(res)), groupSchema(base(res))], 2, 1)));
  router.get(`${V2}/Schemas/:schemaId`, (req, res) => {
    if (req.params.schemaId === USER_SCHEMA) return send(res, 200, userSchema(base(res)));
    if (req.params.schemaId === GROUP_SCHEMA) return send(res, 200, groupSchema(base(res)));
    throw notFoundScim();
  });
  router.get(`${V2}/ResourceTypes`, (_req, res) =>
    send(res, 200, listOf([userResourceType(base(res)), groupResourceType(base(res))], 2, 1)),
  );
  router.get(`${V2}/ResourceTypes/User`, (_req, res) => send(res, 200, userResourceType(base(res))));
  router.get(`${V2}/ResourceTypes/Group`, (_req, res) => send(res, 200, groupResourceType(base(res))));

  router.get(`${V2}/Users`, async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) throw new ScimError(400, 'The query is not valid.', 'invalidValue');
    const filter = parseFilter(query.data.filter);
    const page = pageOf(query.data);
    const token = scimToken(res);
    const { rows, total } = await listPeople(db, token.workspace_id, token.client_id, filter, page);
    send(
      res,
      200,
      listOf(
        rows.map((row) => presentUser(base(res), row)),
        total,
        page.startIndex,
      ),
    );
  });
  router.post(`${V2}/Users`, body, async (req, res) => {
    const input = read(UserBody, req.body);
    const row = await people.create(actor(req, res), input);
    res.location(`${base(res)}/Users/${row.id}`);
    send(res, 201, presentUser(base(res), row));
  });
  router.get(`${V2}/Users/:id`, async (req, res) => {
    send(res, 200, presentUser(base(res), await people.find(actor(req, res), id(req))));
  });
  router.put(`${V2}/Users/:id`, body, async (req, res) => {
    const personId = id(req);
    const input = read(UserBody, req.body);
    // A replace without `active` keeps the person as they are (Okta's PUT always sends it).
    const row = await people.update(actor(req, res), personId, (current) => ({
      userName: input.userName,
      externalId: input.externalId ?? null,
      givenName: input.name?.givenName ?? null,
      familyName: input.name?.familyName ?? null,
      displayName: input.displayName ?? input.name?.formatted ?? null,
      active: input.active ?? current.active,
    }));
    send(res, 200, presentUser(base(res), row));
  });
  router.patch(`${V2}/Users/:id`, body, async (req, res) => {
    const personId = id(req);
    const patch = read(PatchBody, req.body);
    const row = await people.update(actor(req, res), personId, (current) => applyPatch(current, patch));
    send(res, 200, presentUser(base(res), row));
  });
  router.delete(`${V2}/Users/:id`, async (req, res) => {
    await people.remove(actor(req, res), id(req));
    res.status(204).end();
  });
  // Groups: Entra asks for them without their members (excludedAttributes=members) while it matches.
  const withoutMembers = (req: Request) => /(^|,)\s*members\s*(,|$)/i.test(String(req.query.excludedAttributes ?? ''));
  router.get(`${V2}/Groups`, async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) throw new ScimError(400, 'The query is not valid.', 'invalidValue');
    const filter = parseGroupFilter(query.data.filter);
    const page = pageOf(query.data);
    const token = scimToken(res);
    const { rows, total } = await listGroups(db, token.workspace_id, token.client_id, filter, page);
    const full = await groups.withMembers(token.workspace_id, rows);
    send(
      res,
      200,
      listOf(
        full.map((group) => presentGroup(base(res), group, !withoutMembers(req))),
        total,
        page.startIndex,
      ),
    );
  });
  router.post(`${V2}/Groups`, body, async (req, res) => {
    const input = read(GroupBody, req.body);
    const group = await groups.create(actor(req, res), {
      displayName: input.displayName,
      externalId: input.externalId ?? null,
      members: (input.members ?? []).map((m) => m.value.toLowerCase()),
    });
    res.location(`${base(res)}/Groups/${group.id}`);
    send(res, 201, presentGroup(base(res), group));
  });
  router.get(`${V2}/Groups/:id`, async (req, res) => {
    send(res, 200, presentGroup(base(res), await groups.find(actor(req, res), id(req)), !withoutMembers(req)));
  });
  router.put(`${V2}/Groups/:id`, body, async (req, res) => {
    const groupId = id(req);
    const input = read(GroupBody, req.body);
    const group = await groups.change(actor(req, res), groupId, () => ({
      displayName: input.displayName,
      externalId: input.externalId ?? null,
      replace: (input.members ?? []).map((m) => m.value.toLowerCase()),
    }));
    send(res, 200, presentGroup(base(res), group));
  });
  router.patch(`${V2}/Groups/:id`, body, async (req, res) => {
    const groupId = id(req);
    const patch = read(PatchBody, req.body);
    const change = groupChangeOf(patch);
    const group = await groups.change(actor(req, res), groupId, () => change);
    send(res, 200, presentGroup(base(res), group));
  });
  router.delete(`${V2}/Groups/:id`, async (req, res) => {
    await groups.remove(actor(req, res), id(req));
    res.status(204).end();
  });

  router.use(V2, (_req: Request, _res: Response, next: NextFunction) => next(notFoundScim()));
  // Every refusal in SCIM's words, as JSON; an unexpected failure too, logged, without its details.
  router.use(V2, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof ScimError) return sendScimError(res, err);
    // Another request changed the same thing at that moment: nobody's mistake, the directory retries.
    if (isWriteConflict(err)) return sendScimError(res, new ScimError(409, 'Another request changed this at the same moment. Try again.'));
    if (isDatabaseUnavailable(err)) {
      return sendScimError(res, new ScimError(503, 'Temporarily unavailable. Try again in a moment.', undefined, { 'Retry-After': '5' }));
    }
    logger.error('SCIM request failed', err);
    sendScimError(res, new ScimError(500, 'The request could not be completed.'));
  });
  return router;
}
