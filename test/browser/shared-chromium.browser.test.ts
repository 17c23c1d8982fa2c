// The test process's one Chromium (launchChromium in test/support/browser-pages.ts): the files of a
// process share the browser, and nothing else. Each file's handle sees only the contexts it opened;
// closing it closes those and leaves the browser, and the other files' pages, running; cookies set
// in one file's context are not in another's.
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '../support/browser-pages.ts';

describe('one Chromium per test process', function () {
  let server: Server;
  let base: string;

  before(async function () {
    // A page that sets a cookie and shows the cookies it was sent.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html');
      if (req.url === '/set') res.setHeader('set-cookie', 'file=first; Path=/');
      res.end(`<p id="cookies">${req.headers.cookie ?? ''}</p>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("gives each file a handle on one browser that closes only the file's own contexts", async function () {
    const first = await launchChromium();
    const second = await launchChromium();
    const mine = await first.newContext();
    const theirs = await second.newContext();
    const other = await theirs.newPage();
    const page = await first.newPage();
    expect(first.contexts()).to.have.members([mine, page.context()]);
    expect(second.contexts()).to.deep.equal([theirs]);
    // One browser under both handles: the second one's browser sees the first one's page.
    await page.goto(`${base}/?opened-by=first`);
    const cdp = await second.newBrowserCDPSession();
    const { targetInfos } = await cdp.send('Target.getTargets');
    await cdp.detach();
    expect(targetInfos.map((target) => target.url)).to.include(`${base}/?opened-by=first`);

    await first.close();
    expect(first.contexts(), 'the first handle has no context left').to.deep.equal([]);
    expect(page.isClosed(), "the first handle's page is closed").to.equal(true);
    expect(second.isConnected(), 'the browser still runs').to.equal(true);
    await other.goto(`${base}/`);
    expect(await other.textContent('#cookies')).to.equal('');

    // The next file's handle is the same browser, started once.
    const third = await launchChromium();
    expect(third.isConnected()).to.equal(true);
    const later = await third.newPage();
    await later.goto(`${base}/`);
    await second.close();
    await third.close();
    expect(later.isClosed()).to.equal(true);
  });

  it('keeps cookies in the context that received them', async function () {
    const browser = await launchChromium();
    try {
      const a = await (await browser.newContext()).newPage();
      const b = await (await browser.newContext()).newPage();
      await a.goto(`${base}/set`);
      await a.goto(`${base}/`);
      expect(await a.textContent('#cookies')).to.equal('file=first');
      await b.goto(`${base}/`);
      expect(await b.textContent('#cookies'), 'a fresh context has no cookie').to.equal('');
    } finally {
      await browser.close();
    }
  });
});
