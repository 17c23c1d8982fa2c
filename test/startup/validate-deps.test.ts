// createCustomerPortal checks what the host hands it before anything runs: each missing or
// malformed dependency is named in one start-up error (adapter ports and their methods, the
// database, the session pool, flags, mailer, storage, config), and a complete set is accepted.
import { expect } from 'chai';
import knexFactory from 'knex';
import pg from 'pg';
import { PortalSetupError, validateDeps as validateWith } from '../../src/core/deps.ts';
import { FEATURE_HOST_PORTS } from '../../src/features/manifests.ts';

/** The check createCustomerPortal makes: the core's ports and those the features bring. */
const validateDeps = (input: unknown) => validateWith(input, FEATURE_HOST_PORTS);

const noop = async () => null;

function completeDeps(): Record<string, unknown> {
  return {
    adapter: {
      name: 'test-crm',
      claims: [],
      workspaces: { findBySlug: noop, findById: noop },
      clients: { list: noop, findById: noop },
      contacts: { findById: noop, findByEmail: noop, list: noop, updateProfile: noop },
      staff: { current: noop },
      summaries: { forClient: noop },
    },
    db: knexFactory({ client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none' }),
    sessionPool: new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }),
    flags: { isEnabled: () => false, close: noop },
    mailer: { send: noop },
    config: { appUrl: 'https://crm.example.com', sessionSecret: 'a'.repeat(40) },
  };
}

function setupError(input: unknown): string {
  try {
    validateDeps(input);
  } catch (err) {
    expect(err).to.be.instanceOf(PortalSetupError);
    return (err as Error).message;
  }
  throw new Error('validateDeps accepted what it should refuse');
}

describe("start-up checks of the host's dependencies", function () {
  it('accepts a complete set and fills the config defaults', function () {
    const deps = validateDeps(completeDeps());
    expect(deps.config.portalPath).to.equal('/portal');
    expect(deps.config.secureCookies).to.be.a('boolean');
  });

  it("keeps the host's own objects, so class-based ports keep their `this`", function () {
    class Mailer {
      sent = 0;
      async send() {
        this.sent += 1;
      }
    }
    const mailer = new Mailer();
    const deps = validateDeps({ ...completeDeps(), mailer });
    expect(deps.mailer).to.equal(mailer);
  });

  it('names every missing dependency at once', function () {
    const message = setupError({ config: completeDeps().config });
    for (const name of ['adapter', 'db', 'sessionPool', 'flags', 'mailer']) expect(message).to.contain(`  - ${name}:`);
  });

  it('names a missing port and a missing method of a port', function () {
    const deps = completeDeps();
    const adapter = deps.adapter as Record<string, unknown>;
    delete adapter.summaries;
    adapter.contacts = { findById: noop, findByEmail: noop };
    const message = setupError(deps);
    expect(message).to.contain('adapter.summaries: is missing (the SummariesPort port)');
    expect(message).to.contain('adapter.contacts.list: must be a function (ContactsPort.list)');
  });

  it('checks optional ports only when given, and then completely', function () {
    const deps = completeDeps();
    (deps.adapter as Record<string, unknown>).offers = { list: noop, find: noop };
    (deps.adapter as Record<string, unknown>).credentials = { findLogin: noop };
    const message = setupError(deps);
    expect(message).to.contain('adapter.offers.decide: must be a function (OffersPort.decide)');
    expect(message).to.contain('adapter.credentials.verifyPassword');
  });

  it('refuses a database that is not knex and a pool that cannot query', function () {
    const message = setupError({ ...completeDeps(), db: {}, sessionPool: { connect: noop } });
    expect(message).to.contain('db: must be a knex instance');
    expect(message).to.contain('sessionPool: must be a pg Pool');
  });

  it('refuses claims that are not a list, an unnamed adapter and a bad config', function () {
    const deps = completeDeps();
    const adapter = deps.adapter as Record<string, unknown>;
    adapter.name = '';
    adapter.claims = 'public.clients';
    const message = setupError({ ...deps, config: { appUrl: 'not a url', sessionSecret: 'short' } });
    expect(message).to.contain('adapter.name');
    expect(message).to.contain('adapter.claims: must list where the host keeps what the adapter uses');
    expect(message).to.contain('config.appUrl');
    expect(message).to.contain('config.sessionSecret');
  });

  it('refuses flags, mailer and storage without their methods', function () {
    const message = setupError({ ...completeDeps(), flags: { isEnabled: () => true }, mailer: {}, storage: { put: noop, get: noop } });
    expect(message).to.contain('flags.close: must be a function');
    expect(message).to.contain('mailer.send: must be a function');
    expect(message).to.contain('storage.delete: must be a function');
  });
});
