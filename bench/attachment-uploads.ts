// How long the client's forms with attachments take to answer a large PDF: a new ticket and a
// request's form, each sent a 6 MB and an 18 MB PDF (the attachments' cap is 10 MB, so the second
// is refused with the form again).
//   npx tsx bench/attachment-uploads.ts [--tries 3]
// Boots the reference CRM with the portal as the demo runs (embedded PostgreSQL unless DATABASE_URL
// is set), switches uploads on for the demo workspace, signs a demo client in, and posts each form
// as a browser does (the CSRF token first, then the fields and the file). Prints, per form and size,
// the status, the message a refusal shows, and the seconds each try took to be answered; a try not
// answered within 60 s is said as such, ends that size's tries, and makes the run exit with 1.
import { parseArgs } from 'node:util';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';
import { pdfOfSize } from '../test/support/upload-fixtures.ts';

const { values } = parseArgs({ options: { tries: { type: 'string', default: '3' } } });
const TRIES = Number(values.tries);
const MB = 1024 * 1024;
const SIZES_MB = [6, 18];
const ANSWER_WITHIN_MS = 60_000;

const crm = await bootReferenceCrm({
  databaseUrl: process.env.DATABASE_URL,
  port: 0,
  sessionSecret: 'bench-secret-'.padEnd(48, 'x'),
  flagsFile: flagsFileFor(['demo']),
  quiet: true,
});

/** Cookies as a browser keeps them: by name, the latest value. */
const jar = new Map<string, string>();
const cookie = () => [...jar.values()].join('; ');
async function send(path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${crm.url}${path}`, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), Cookie: cookie() },
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  for (const set of res.headers.getSetCookie()) {
    const pair = set.split(';')[0]!;
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return { status: res.status, text: await res.text() };
}
const csrfOf = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].pop()![1]!;
/** The message a refused form shows by its file field. */
const refusalOf = (html: string) => /class="field-error"[^>]*>\s*([^<]+?)\s*</.exec(html)?.[1] ?? '';

try {
  const workspaceId = String((await crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
  await crm
    .db('workspace_client_portal_settings')
    .insert({ workspace_id: workspaceId, show_tickets: true, show_requests: true, allow_file_uploads: true })
    .onConflict('workspace_id')
    .merge();
  // Settings are cached per workspace; a write behind the portal's back must say so.
  await crm.portal.workspaceChanged(workspaceId);
  const definition = await crm
    .db('request_definitions')
    .where({ workspace_id: workspaceId, name: 'Request a quote for printing' })
    .first('id');
  const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const signInPage = await send('/portal/demo/sign-in');
  const signedIn = await send('/portal/demo/sign-in/password', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfOf(signInPage.text), email: login.email, password: login.password }).toString(),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);

  const forms = [
    {
      name: 'new ticket',
      page: '/portal/demo/tickets/new',
      action: '/portal/demo/tickets',
      fields: { subject: 'Scanned contract', description: 'The signed contract, scanned.' },
    },
    {
      name: 'request form',
      page: `/portal/demo/requests/new/${definition.id}`,
      action: `/portal/demo/requests/new/${definition.id}`,
      fields: { f_product: 'flyers', f_quantity: '500', f_deadline: '2027-05-31', f_notes: 'Artwork attached.' },
    },
  ];
  console.log(`attachment uploads (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PostgreSQL'}), ${TRIES} tries each`);
  for (const form of forms) {
    for (const mb of SIZES_MB) {
      const pdf = new Blob([new Uint8Array(pdfOfSize(mb * MB))], { type: 'application/pdf' });
      const seconds: number[] = [];
      let outcome = '';
      for (let i = 0; i < TRIES; i++) {
        const body = new FormData();
        body.append('_csrf', csrfOf((await send(form.page)).text));
        for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
        body.append('attachments', pdf, 'scan.pdf');
        const start = process.hrtime.bigint();
        const answer = await send(form.action, { method: 'POST', body }).catch((error: unknown) => {
          if ((error as Error).name === 'TimeoutError') return null;
          throw error;
        });
        const took = Number(process.hrtime.bigint() - start) / 1e9;
        if (!answer) {
          outcome = `no answer within ${ANSWER_WITHIN_MS / 1000} s`;
          process.exitCode = 1;
          break;
        }
        seconds.push(took);
        const refusal = answer.status === 303 ? '' : ` "${refusalOf(answer.text)}"`;
        outcome = `${answer.status}${refusal}`;
      }
      const times = seconds.map((s) => `${s.toFixed(2)} s`);
      console.log(`${form.name.padEnd(12)} ${String(mb).padStart(2)} MB: ${[outcome, ...times].join(', ')}`);
    }
  }
} finally {
  await crm.close();
}
