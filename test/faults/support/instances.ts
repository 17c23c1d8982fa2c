// App instances as real processes (`plugins/reference-crm/server.ts`, what `npm start` runs), so a
// SIGKILL is a real crash, plus a small cookie-keeping HTTP client that speaks to them as a browser
// behind a TLS-terminating proxy would (X-Forwarded-Proto / -For, which TRUST_PROXY=loopback honours).
// They run in production mode, which seeds nothing and requires SMTP_URL: the database gets the demo
// data from the test first, and an instance given no SMTP_URL mails to an SMTP server in this process.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { seedDemoDatabase } from '../../support/demo-database.ts';
import { startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const SERVER = path.join(ROOT, 'plugins/reference-crm/server.ts');

// Production refuses a predictable secret (one character repeated): random, from openssl rand -base64 48.
export const FAULTS_SECRET = 'k8GZt1vQ2mXc7RwPy0bH5nLs9JdA3fUe6TqiVoMxC4hKzN+WgEa/YjBrlS1pDuF7';

export interface Instance {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

let localSmtp: Promise<SmtpCapture> | undefined;

export async function startInstance(env: Record<string, string>, timeoutMs = 120_000): Promise<Instance> {
  const databaseUrl = env.LISTEN_DATABASE_URL ?? env.DATABASE_URL;
  if (databaseUrl) await seedDemoDatabase(databaseUrl);
  localSmtp ??= env.SMTP_URL ? undefined : startSmtpCapture();
  const smtpUrl = env.SMTP_URL ?? (await localSmtp!).url;
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      SESSION_SECRET: FAULTS_SECRET,
      TRUST_PROXY: 'loopback',
      PORT: '0',
      SMTP_URL: smtpUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  let url: string | undefined;
  while (!url) {
    const match = /running at (http:\/\/\S+)/.exec(output);
    if (match) url = match[1]!;
    else {
      if (child.exitCode !== null) throw new Error(`the instance exited:\n${output}`);
      if (Date.now() - started > timeoutMs) {
        child.kill('SIGKILL');
        throw new Error(`the instance did not start within ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    child,
    output: () => output,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
  ms: number;
}

/** One browser: a cookie jar, a client address, and the CSRF token of the last page it read. */
export class Browser {
  private cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(
    public base: string,
    readonly ip = '127.0.0.1',
    readonly timeoutMs = 30_000,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { 'x-forwarded-proto': 'https', 'x-forwarded-for': this.ip, ...(cookie ? { cookie } : {}), ...extra };
  }

  private keep(res: { headers: Headers }) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /**
   * One request on a connection of its own (as many browsers behind a proxy look to the app).
   * fetch would keep connections alive, and a connection the server closes after its keep-alive
   * timeout just as the next request goes out fails on the client's side, which is no fault of
   * the app.
   */
  async request(
    method: string,
    pathname: string,
    body?: string | FormData,
    headers: Record<string, string> = {},
    base = this.base,
  ): Promise<Answer> {
    const started = performance.now();
    let payload: Buffer | undefined;
    const extra = { ...headers };
    if (body instanceof FormData) {
      const encoded = new Response(body);
      payload = Buffer.from(await encoded.arrayBuffer());
      extra['content-type'] = encoded.headers.get('content-type')!;
    } else if (body !== undefined) payload = Buffer.from(body);
    if (payload) extra['content-length'] = String(payload.length);
    const res = await new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
      const req = http.request(
        base + pathname,
        { method, headers: { ...this.headers(extra), connection: 'close' }, agent: false, timeout: this.timeoutMs },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const answerHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              for (const one of Array.isArray(value) ? value : [value ?? '']) answerHeaders.append(name, one);
            }
            resolve({ status: incoming.statusCode ?? 0, headers: answerHeaders, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
    this.keep(res);
    const text = res.text;
    const token = /name="_csrf" value="([^"]+)"/.exec(text) ?? /"X-CSRF-Token":\s*"([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: res.status, text, headers: res.headers, ms: performance.now() - started };
  }

  get(pathname: string, base?: string): Promise<Answer> {
    return this.request('GET', pathname, undefined, {}, base);
  }

  /**
   * Takes the CSRF token of the form that posts to `action` on a page, where forms of the host
   * and of the portal (each with its own token) share the page, as on staff pages in the CRM's layout.
   */
  useFormToken(page: Answer, action: string): void {
    const form = new RegExp(
      `<form[^>]*action="${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>[\\s\\S]*?name="_csrf" value="([^"]+)"`,
    ).exec(page.text);
    if (!form) throw new Error(`no form posting to ${action} on the page`);
    this.csrf = form[1]!;
  }

  /** A form post with the current CSRF token, as a page without JavaScript sends it. */
  post(pathname: string, fields: Record<string, string>, base?: string): Promise<Answer> {
    const form = new URLSearchParams({ ...(this.csrf ? { _csrf: this.csrf } : {}), ...fields });
    return this.request('POST', pathname, form.toString(), { 'content-type': 'application/x-www-form-urlencoded' }, base);
  }

  async signIn(slug: string, email: string, password: string, base?: string): Promise<void> {
    const page = await this.get(`/portal/${slug}/sign-in`, base);
    if (page.status !== 200) throw new Error(`sign-in page answered ${page.status}`);
    const res = await this.post(`/portal/${slug}/sign-in/password`, { email, password }, base);
    if (res.status !== 303) throw new Error(`sign-in as ${email} answered ${res.status}: ${res.text.slice(0, 300)}`);
    // The first page after sign-in carries the session's CSRF token.
    const home = await this.get(`/portal/${slug}/`, base);
    if (home.status !== 200) throw new Error(`the dashboard answered ${home.status} after sign-in`);
  }
}
