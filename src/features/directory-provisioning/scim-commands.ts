// What the SCIM endpoints accept, as zod schemas, and the two small languages a directory speaks
// to them: the list filter (`userName eq "…"`, `externalId eq "…"`) and PATCH operations. Written
// for the shapes Entra ID and Okta send: Entra's capitalised ops ("Replace") and string booleans
// ("False"), Okta's path-less replace of a whole object ({"active": false}). Attributes the portal
// does not keep (title, phone numbers, addresses, the enterprise extension) are ignored, as a
// directory's default mapping sends them; a malformed body or value is refused.
import { z } from 'zod';
import { MAX_RESULTS } from './scim-schemas.ts';
import { ScimError } from './scim-errors.ts';

const text = (max: number) => z.string().trim().max(max);

/** true/false, or the strings Entra ID sends ("True", "False"). */
const scimBoolean = z.preprocess(
  (value) => (typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value),
  z.boolean(),
);

const userName = z.string().trim().toLowerCase().max(320).pipe(z.email());

const NameSchema = z.looseObject({
  givenName: text(255).nullish(),
  familyName: text(255).nullish(),
  formatted: text(255).nullish(),
});

const EmailSchema = z.looseObject({ value: text(320), type: text(40).nullish(), primary: scimBoolean.optional() });

export const UserBody = z.looseObject({
  schemas: z.array(z.string().max(200)).max(10).optional(),
  userName,
  externalId: text(255).nullish(),
  name: NameSchema.nullish(),
  displayName: text(255).nullish(),
  emails: z.array(EmailSchema).max(20).nullish(),
  active: scimBoolean.optional(),
});
export type UserBodyInput = z.infer<typeof UserBody>;

export const PatchBody = z.looseObject({
  schemas: z.array(z.string().max(200)).max(10).optional(),
  Operations: z
    .array(
      z.looseObject({
        op: z
          .string()
          .max(20)
          .transform((op) => op.toLowerCase())
          .pipe(z.enum(['add', 'replace', 'remove'])),
        path: z.string().max(300).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(50),
});
export type PatchInput = z.infer<typeof PatchBody>;

/** What the portal keeps of a person from the directory. */
export interface ScimState {
  userName: string;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  active: boolean;
}

export function stateOfBody(body: UserBodyInput): Omit<ScimState, 'active'> & { active: boolean | undefined } {
  return {
    userName: body.userName,
    externalId: body.externalId ?? null,
    givenName: body.name?.givenName ?? null,
    familyName: body.name?.familyName ?? null,
    displayName: body.displayName ?? body.name?.formatted ?? null,
    active: body.active,
  };
}

const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');

/** One attribute's new value, checked as the full body would check it. */
function checked<T>(schema: z.ZodType<T>, value: unknown, attribute: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidValue(`The value of ${attribute} is not valid.`);
  return parsed.data;
}

const optionalText = text(255).nullable();

/** Sets one attribute (a lower-case path of the User schema); attributes the portal does not keep are ignored. */
function setAttribute(state: ScimState, path: string, value: unknown): void {
  const attr = path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, '');
  switch (attr) {
    case 'active':
      state.active = checked(scimBoolean, value, 'active');
      return;
    case 'username':
      state.userName = checked(userName, value, 'userName');
      return;
    case 'externalid':
      state.externalId = checked(optionalText, value, 'externalId');
      return;
    case 'displayname':
      state.displayName = checked(optionalText, value, 'displayName');
      return;
    case 'name.givenname':
      state.givenName = checked(optionalText, value, 'name.givenName');
      return;
    case 'name.familyname':
      state.familyName = checked(optionalText, value, 'name.familyName');
      return;
    case 'name.formatted':
      if (state.displayName === null) state.displayName = checked(optionalText, value, 'name.formatted');
      return;
    case 'name': {
      const name = checked(NameSchema.nullable(), value, 'name');
      state.givenName = name?.givenName ?? null;
      state.familyName = name?.familyName ?? null;
      return;
    }
    default:
      // emails (the sign-in email is userName), title, phoneNumbers, addresses, the enterprise
      // extension…: not kept by the portal, and a directory's default mapping sends them.
      return;
  }
}

/** Applies a PatchOp's operations in order to the person's state; refuses what it cannot read. */
export function applyPatch(current: ScimState, patch: PatchInput): ScimState {
  const state = { ...current };
  for (const operation of patch.Operations) {
    const path = operation.path?.trim().toLowerCase();
    if (operation.op === 'remove') {
      if (!path) throw new ScimError(400, 'A remove operation needs a path.', 'noTarget');
      if (path === 'active' || path === 'username') throw new ScimError(400, `${operation.path} cannot be removed.`, 'mutability');
      setAttribute(state, path, null);
      continue;
    }
    if (operation.value === undefined) throw invalidValue(`The ${operation.op} operation has no value.`);
    if (path) {
      if (!/^[a-z0-9:._[\]" -]+$/.test(path)) throw new ScimError(400, 'The path is not valid.', 'invalidPath');
      setAttribute(state, path, operation.value);
      continue;
    }
    // No path: the value is an object of attributes (Okta: {"active": false}; Entra: dotted keys).
    if (typeof operation.value !== 'object' || operation.value === null || Array.isArray(operation.value)) {
      throw invalidValue('An operation without a path needs an object of attributes as its value.');
    }
    for (const [key, value] of Object.entries(operation.value as Record<string, unknown>)) {
      setAttribute(state, key.toLowerCase(), value);
    }
  }
  return state;
}

/** The list's filter: `userName eq "…"` or `externalId eq "…"`, or none. */
export type ListFilter = { email?: string; externalId?: string };

export function parseFilter(filter: string | undefined): ListFilter {
  if (filter === undefined || filter.trim() === '') return {};
  const match = /^\s*(userName|externalId)\s+eq\s+"((?:[^"\\]|\\.){1,320})"\s*$/i.exec(filter);
  if (!match) throw new ScimError(400, 'Only the filters userName eq "…" and externalId eq "…" are supported.', 'invalidFilter');
  const value = match[2]!.replace(/\\(.)/g, '$1');
  return match[1]!.toLowerCase() === 'username' ? { email: value.toLowerCase() } : { externalId: value };
}

export const ListQuery = z.looseObject({
  filter: z.string().max(500).optional(),
  startIndex: z.coerce.number().int().optional(),
  count: z.coerce.number().int().optional(),
});

/** RFC 7644 §3.4.2.4: a startIndex below 1 is 1, a negative count is 0, and a count is capped at the maximum. */
export function pageOf(query: z.infer<typeof ListQuery>): { startIndex: number; offset: number; limit: number } {
  const startIndex = Math.max(1, query.startIndex ?? 1);
  const limit = Math.min(MAX_RESULTS, Math.max(0, query.count ?? MAX_RESULTS));
  return { startIndex, offset: startIndex - 1, limit };
}

/** A group's change: its name and id, and whose membership changes how. */
export interface GroupChange {
  displayName?: string;
  externalId?: string | null;
  add?: string[];
  remove?: string[] | 'all';
  /** Every member, replacing the ones before. */
  replace?: string[];
}

const memberRefs = z.array(z.looseObject({ value: z.string().max(64) })).max(1000);

export const GroupBody = z.looseObject({
  schemas: z.array(z.string().max(200)).max(10).optional(),
  displayName: text(255).min(1),
  externalId: text(255).nullish(),
  members: memberRefs.nullish(),
});

const ids = (value: unknown, attribute: string) => checked(memberRefs, value, attribute).map((member) => member.value.toLowerCase());

/**
 * A Group PatchOp as a change: Entra adds and removes members by path ("members",
 * `members[value eq "<id>"]`) with capitalised ops; Okta replaces the name with a path-less
 * object ({"id", "displayName"}) and adds or removes members by path.
 */
export function groupChangeOf(patch: PatchInput): GroupChange {
  const change: GroupChange = {};
  const push = (key: 'add' | 'remove', values: string[]) => {
    if (key === 'remove' && change.remove === 'all') return;
    change[key] = [...((change[key] as string[] | undefined) ?? []), ...values];
  };
  for (const operation of patch.Operations) {
    const path = operation.path?.trim() ?? '';
    const lower = path.toLowerCase();
    const one = /^members\[\s*value\s+eq\s+"([^"]{1,64})"\s*\]$/i.exec(path);
    if (operation.op === 'remove') {
      if (one) push('remove', [one[1]!.toLowerCase()]);
      else if (lower === 'members') {
        if (operation.value === undefined) change.remove = 'all';
        else push('remove', ids(operation.value, 'members'));
      } else if (lower === 'externalid') change.externalId = null;
      else throw new ScimError(400, `${path || 'The operation'} cannot be removed.`, path ? 'invalidPath' : 'noTarget');
      continue;
    }
    if (operation.value === undefined) throw new ScimError(400, `The ${operation.op} operation has no value.`, 'invalidValue');
    if (lower === 'members') {
      if (operation.op === 'add') push('add', ids(operation.value, 'members'));
      else change.replace = ids(operation.value, 'members');
    } else if (lower === 'displayname') change.displayName = checked(text(255).min(1), operation.value, 'displayName');
    else if (lower === 'externalid') change.externalId = checked(text(255).nullable(), operation.value, 'externalId');
    else if (!path) {
      const value = checked(
        z.looseObject({ displayName: text(255).min(1).optional(), externalId: text(255).nullish(), members: memberRefs.optional() }),
        operation.value,
        'value',
      );
      if (value.displayName !== undefined) change.displayName = value.displayName;
      if (value.externalId !== undefined) change.externalId = value.externalId ?? null;
      if (value.members) {
        if (operation.op === 'add')
          push(
            'add',
            value.members.map((m) => m.value.toLowerCase()),
          );
        else change.replace = value.members.map((m) => m.value.toLowerCase());
      }
    } else throw new ScimError(400, `The path ${path} is not one of a Group.`, 'invalidPath');
  }
  return change;
}

export function parseGroupFilter(filter: string | undefined): { displayName?: string; externalId?: string } {
  if (filter === undefined || filter.trim() === '') return {};
  const match = /^\s*(displayName|externalId)\s+eq\s+"((?:[^"\\]|\\.){1,255})"\s*$/i.exec(filter);
  if (!match) throw new ScimError(400, 'Only the filters displayName eq "…" and externalId eq "…" are supported.', 'invalidFilter');
  const value = match[2]!.replace(/\\(.)/g, '$1');
  return match[1]!.toLowerCase() === 'displayname' ? { displayName: value } : { externalId: value };
}
