// Staff sign-in and sign-out. The email + password pair chooses the workspace: the same email may
// belong to staff users in several workspaces, and the first whose password matches signs in.
import { hash, verify } from '@node-rs/argon2';
import { Router } from 'express';
import { z } from 'zod';
import { RateLimiter, type LimitRule } from '../../../../src/index.ts';
import { findStaffCredentialsByEmail, type StaffCredentialsRow } from '../../queries/staff-users.ts';
import { currentStaff, safeReturnPath } from '../auth.ts';
import { ensureCsrfToken, newCsrfToken } from '../csrf.ts';
import { emailField, parseForm, type FieldError } from '../forms.ts';
import { formView, render } from '../render.ts';
import type { RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { CRM_SESSION_COOKIE, destroySession, regenerateSession, saveSession } from '../session.ts';

const signInSchema = z.object({
  email: emailField(),
  password: z.preprocess(
    (value) => value ?? '',
    z
      .string({ error: 'Enter your password.' })
      .min(1, { error: 'Enter your password.' })
      .max(1000, { error: 'That password is too long.' }),
  ),
});

// Verifying against a throwaway hash when no staff user has the email keeps the response time the
// same either way, so the sign-in form does not reveal which emails exist.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hash('decoy password that matches nobody'));

async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

async function authenticate(candidates: StaffCredentialsRow[], password: string): Promise<StaffCredentialsRow | null> {
  if (candidates.length === 0) {
    await passwordMatches(await decoy(), password);
    return null;
  }
  for (const candidate of candidates) {
    if (await passwordMatches(candidate.password_hash, password)) return candidate;
  }
  return null;
}

const MINUTE = 60;

/**
 * The staff sign-in's limits, as the portal's: per IP against sprays, per email a lockout after
 * five attempts. Attempts are counted before the password is checked (one atomic upsert), so
 * parallel guesses cannot slip past the lockout; a success clears the email's count.
 */
const STAFF_SIGN_IN_LIMITS = {
  attemptsPerIp: { name: 'staff-sign-in:ip', points: 30, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  attemptsPerEmail: { name: 'staff-sign-in:email', points: 5, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
} satisfies Record<string, LimitRule>;

/** The sign-out has happened by then: a plugin that fails to hear of it is logged, and the page goes on. */
async function tellSignedOut(plugins: readonly CrmPlugin[], staff: { id: string; workspaceId: string }): Promise<void> {
  const results = await Promise.allSettled(plugins.map(async (plugin) => plugin.staffSignedOut?.(staff)));
  for (const result of results) if (result.status === 'rejected') console.error('crm: a plugin was not told of a sign-out', result.reason);
}

export function authRoutes({ db, plugins }: RouteDeps & { plugins: readonly CrmPlugin[] }): Router {
  const router = Router();
  const limiter = new RateLimiter(db, Date.now, 'crm_rate_limits');

  router.get('/signin', async (req, res) => {
    if (currentStaff(res)) return res.redirect(303, '/');
    res.locals.csrfToken = ensureCsrfToken(req);
    await render(res, 'auth/signin', { title: 'Sign in', form: formView({}), next: safeReturnPath(req.query.next) });
  });

  router.post('/signin', async (req, res) => {
    const next = safeReturnPath((req.body as { next?: unknown } | undefined)?.next);
    const showForm = async (status: number, errors: FieldError[]) => {
      const email = (req.body as { email?: unknown } | undefined)?.email;
      await render(res, 'auth/signin', { title: 'Sign in', form: formView({ email }, errors), next }, status);
    };

    const parsed = parseForm(signInSchema, req.body);
    if (!parsed.ok) return showForm(400, parsed.errors);

    const email = parsed.data.email.toLowerCase();
    for (const [rule, subject] of [
      [STAFF_SIGN_IN_LIMITS.attemptsPerIp, req.ip ?? 'unknown'],
      [STAFF_SIGN_IN_LIMITS.attemptsPerEmail, email],
    ] as const) {
      const limit = await limiter.consume(rule, subject);
      if (!limit.allowed) {
        const minutes = Math.max(1, Math.ceil(limit.retryAfterSeconds / 60));
        res.set('Retry-After', String(limit.retryAfterSeconds));
        return showForm(429, [
          { field: 'email', message: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` },
        ]);
      }
    }

    const candidates = await findStaffCredentialsByEmail(db, { email: parsed.data.email });
    const staff = await authenticate(candidates, parsed.data.password);
    if (!staff) return showForm(401, [{ field: 'email', message: 'The email address or password is incorrect.' }]);
    await limiter.reset(STAFF_SIGN_IN_LIMITS.attemptsPerEmail, email);

    const session = await regenerateSession(req);
    session.staffUserId = staff.id;
    session.staffWorkspaceId = staff.workspace_id;
    session.csrfToken = newCsrfToken();
    await saveSession(req);
    res.redirect(303, next);
  });

  router.post('/signout', async (req, res) => {
    const staff = currentStaff(res);
    await destroySession(req);
    if (staff) await tellSignedOut(plugins, { id: String(staff.id), workspaceId: String(staff.workspaceId) });
    res.clearCookie(CRM_SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/signin');
  });

  return router;
}
