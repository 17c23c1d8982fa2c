// Every page names an icon that answers, and /favicon.ico (what a browser asks for on a page that
// names none: a PDF, a plain error page) answers with an image instead of a 404.
import { expect } from 'chai';
import { type PortalHarness, signedInDemoClient, signedInStaffAgent, startPortalHarness } from '../support/portal-harness.ts';

describe('the favicon', function () {
  this.timeout(120_000);
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness();
  });
  after(async function () {
    await h?.close();
  });

  const iconOf = (html: string) =>
    /<link rel="icon" href="([^"]+)"/g.exec([...html.matchAll(/<link rel="icon" href="[^"]+"[^>]*>/g)].at(-1)?.[0] ?? '')?.[1];

  it('answers /favicon.ico with an image', async function () {
    const res = await h.agent().get('/favicon.ico').expect(200);
    expect(res.headers['content-type']).to.match(/^image\//);
  });

  it('is named by the client portal, the staff pages and the error page, and answers with an image', async function () {
    const client = await signedInDemoClient(h, 'maria@northwind.test');
    const staff = await signedInStaffAgent(h, 'demo');
    const pages = [
      { agent: client, url: '/portal/demo/' },
      { agent: h.agent(), url: '/portal/demo/sign-in' },
      { agent: h.agent(), url: '/portal/no-such-workspace-here/' },
      { agent: staff, url: '/settings/client-portal' },
      { agent: staff, url: '/' },
    ];
    for (const { agent, url } of pages) {
      const page = await agent.get(url);
      const icon = iconOf(page.text);
      expect(icon, `${url} names an icon`).to.be.a('string').and.not.equal('data:,');
      const res = await h.agent().get(icon!).expect(200);
      expect(res.headers['content-type'], `${url} icon`).to.match(/^image\/svg\+xml/);
    }
  });
});
