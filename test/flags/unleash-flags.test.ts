// Feature flags on unleash-client, offline: the repository's flags.json (portal on for the demo
// workspace, off for acme), per-workspace constraints, clear start-up errors for broken flag files
// and for servers that refuse or do not answer, and two clients in one process that share nothing.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUnleashFlags, type FlagsFile } from '../../src/core/flags/unleash-flags.ts';
import type { FeatureFlags } from '../../src/core/ports/services.ts';

const REPO_FLAGS = fileURLToPath(new URL('../../flags.json', import.meta.url));
const FLAG = 'customer_portal_enabled';
const demo = { workspaceId: '1', workspaceSlug: 'demo' };
const acme = { workspaceId: '2', workspaceSlug: 'acme' };

function constrained(contextName: string, values: string[]): FlagsFile {
  return {
    features: [{ name: FLAG, enabled: true, strategies: [{ name: 'default', constraints: [{ contextName, operator: 'IN', values }] }] }],
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: Error) => err,
  );
}

describe('feature flags: offline from a flags file', () => {
  let dir: string;
  const open: FeatureFlags[] = [];
  const write = (name: string, content: string | object) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const track = (flags: FeatureFlags) => {
    open.push(flags);
    return flags;
  };

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portal-flags-test-'));
  });
  afterEach(async () => {
    for (const flags of open.splice(0)) await flags.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the demo flags.json: on for demo, off for acme, unknown flags and workspaces off', async () => {
    const started = performance.now();
    const flags = track(await createUnleashFlags({ bootstrapFile: REPO_FLAGS }));
    const readyMs = performance.now() - started;
    console.log(`      offline flags ready in ${readyMs.toFixed(1)} ms`);

    expect(flags.isEnabled(FLAG, demo)).to.equal(true);
    expect(flags.isEnabled(FLAG, acme)).to.equal(false);
    expect(flags.isEnabled('no_such_flag', demo)).to.equal(false);
    expect(flags.isEnabled(FLAG, { workspaceId: '99', workspaceSlug: 'unknown' })).to.equal(false);
    expect(flags.isEnabled(FLAG, { workspaceId: '1' })).to.equal(false);
  });

  it('matches a constraint on workspaceId as well', async () => {
    const flags = track(await createUnleashFlags({ bootstrapFile: write('by-id.json', constrained('workspaceId', ['2'])) }));
    expect(flags.isEnabled(FLAG, acme)).to.equal(true);
    expect(flags.isEnabled(FLAG, demo)).to.equal(false);
  });

  it('treats a file with no features as everything off', async () => {
    const flags = track(await createUnleashFlags({ bootstrapFile: write('empty.json', { features: [] }) }));
    expect(flags.isEnabled(FLAG, demo)).to.equal(false);
  });

  it('keeps two clients in one process apart', async () => {
    const forDemo = track(await createUnleashFlags({ bootstrapFile: write('demo.json', constrained('workspaceSlug', ['demo'])) }));
    const forAcme = track(await createUnleashFlags({ bootstrapFile: write('acme.json', constrained('workspaceSlug', ['acme'])) }));
    expect([forDemo.isEnabled(FLAG, demo), forDemo.isEnabled(FLAG, acme)]).to.deep.equal([true, false]);
    expect([forAcme.isEnabled(FLAG, demo), forAcme.isEnabled(FLAG, acme)]).to.deep.equal([false, true]);

    await forDemo.close();
    await forDemo.close();
    expect(forAcme.isEnabled(FLAG, acme)).to.equal(true);
  });

  it('fails with the file name when the JSON is broken', async () => {
    const file = write('broken.json', '{ "features": [ { "name": "customer_portal_enabled", ');
    const err = await rejection(createUnleashFlags({ bootstrapFile: file }));
    expect(err.message).to.contain(file).and.to.contain('is not valid JSON');
  });

  it('fails with the file name when the file is missing', async () => {
    const file = path.join(dir, 'missing.json');
    const err = await rejection(createUnleashFlags({ bootstrapFile: file }));
    expect(err.message).to.contain(file).and.to.contain('could not be read');
  });

  it('fails with the file name and the field when the data is not flag data', async () => {
    const file = write('typo.json', {
      features: [
        {
          name: FLAG,
          enabled: true,
          strategies: [{ name: 'default', constraints: [{ contextName: 'workspaceSlug', operator: 'EQUALS', values: ['demo'] }] }],
        },
      ],
    });
    const err = await rejection(createUnleashFlags({ bootstrapFile: file }));
    expect(err.message).to.contain(file).and.to.contain('features.0.strategies.0.constraints.0.operator');
  });

  it('needs either a server or a flags file', async () => {
    const err = await rejection(createUnleashFlags({}));
    expect(err.message).to.match(/either an Unleash server url or a bootstrapFile/);
  });
});

describe('feature flags: a server that does not serve flags', () => {
  let server: http.Server;
  let url: string;
  // What the fake server answers to GET /api/client/features, and after how long.
  let answer: { status: number; delayMs: number };
  // Called each time the server has sent an answer.
  let onAnswered: () => void = () => {};

  before(async () => {
    server = http.createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(answer.status).end();
        res.once('finish', () => onAnswered());
      }, answer.delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fails at once, naming the server, when the token is refused', async () => {
    answer = { status: 401, delayMs: 0 };
    const seen: Error[] = [];
    // The ready timeout is far beyond the test's own: only failing on the 401 itself ends it in time.
    const err = await rejection(
      createUnleashFlags({ url, apiToken: 'default:development.wrong', readyTimeoutMs: 10 * 60_000, onError: (e) => seen.push(e) }),
    );
    expect(err.message).to.contain(`Unleash server at ${url} refused the API token`).and.to.contain('401');
    expect(err.message).to.not.contain('did not become ready');
    expect(seen).to.have.length(1);
  });

  it('fails after the timeout with the last problem when the path is wrong', async () => {
    answer = { status: 404, delayMs: 0 };
    const err = await rejection(createUnleashFlags({ url, readyTimeoutMs: 300, onError: () => {} }));
    expect(err.message).to.contain(`Unleash server at ${url} did not become ready within 300 ms`).and.to.contain('404');
  });

  it('survives a request that fails after start-up gave up', async () => {
    // unleash-client drops its repository listeners on destroy; the late 401 below would then be an
    // unhandled 'error' event, which ends a plain Node process (mocha only swallows it, hence the spy).
    const escaped: unknown[] = [];
    const spy = (reason: unknown) => escaped.push(reason);
    process.on('unhandledRejection', spy);
    try {
      answer = { status: 401, delayMs: 300 };
      const answered = new Promise<void>((resolve) => (onAnswered = resolve));
      const err = await rejection(createUnleashFlags({ url, readyTimeoutMs: 100, onError: () => {} }));
      expect(err.message).to.contain('did not become ready within 100 ms');
      // Wait for the late 401 itself, then let the client read it before looking for escapes.
      await answered;
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', spy);
    }
    expect(escaped).to.deep.equal([]);
  });
});
