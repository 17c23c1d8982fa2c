// `npm run staff:create -- --workspace <slug> --name "<full name>" --email <email>
//   [--workspace-name "<agency>"] [--role admin|member]`
// The way into a production reference CRM, which starts empty (the demo seed is development only):
// creates the workspace when it does not exist yet, then a staff user in it with a random password,
// printed once. The password is generated rather than typed on the command line, where the shell's
// history and the process list would keep it. Refuses an email already used in that workspace.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/argon2';
import { z } from 'zod';
import { findStaffByEmail, insertStaffUser } from '../queries/staff-users.ts';
import { findWorkspaceBySlug, insertWorkspace } from '../queries/workspaces.ts';
import { runCli } from './database.ts';

const USAGE =
  'Usage: npm run staff:create -- --workspace <slug> --name "<full name>" --email <email> [--workspace-name "<agency>"] [--role admin|member]';

const Args = z.object({
  workspace: z
    .string({ error: '--workspace is required' })
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, '--workspace must be a slug: lower-case letters, digits and dashes'),
  'workspace-name': z.string().trim().min(1).max(120).optional(),
  name: z.string({ error: '--name is required' }).trim().min(1, '--name is required').max(120),
  email: z.email({ error: '--email must be an email address' }),
  role: z.enum(['admin', 'member'], { error: '--role must be admin or member' }).default('admin'),
});

await runCli(async (db) => {
  const { values } = parseArgs({
    options: {
      workspace: { type: 'string' },
      'workspace-name': { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
    },
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((issue) => issue.message).join('; ')}\n${USAGE}`);
  const args = parsed.data;
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hash(password);
  return db.transaction(async (trx) => {
    const existing = await findWorkspaceBySlug(trx, { slug: args.workspace });
    const workspaceId =
      existing?.id ??
      (await insertWorkspace(trx, {
        slug: args.workspace,
        name: args['workspace-name'] ?? args.workspace,
        brandColor: '#2f5bd3',
        logoUrl: null,
      }));
    if (await findStaffByEmail(trx, { workspaceId, email: args.email }))
      throw new Error(`${args.email} is already a staff user of workspace ${args.workspace}.`);
    await insertStaffUser(trx, { workspaceId, name: args.name, email: args.email, passwordHash, role: args.role });
    return [
      `${existing ? 'Workspace' : 'Created workspace'} ${args.workspace}; staff user ${args.email} (${args.role}) created.`,
      `Password (shown once, keep it safe): ${password}`,
    ].join('\n');
  });
});
