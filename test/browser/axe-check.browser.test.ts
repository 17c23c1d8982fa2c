// The accessibility check every browser test uses (axeResults in test/support/browser-pages.ts):
// it finds a violation in the page and in a frame of the page's own origin, and a frame it cannot
// reach (another origin) fails the check instead of going unchecked.
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { axeResults, launchChromium, pagesClosedAfterEach } from '../support/browser-pages.ts';

const IMAGE = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
const document = (body: string) =>
  `<!doctype html><html lang="en"><head><title>Check</title><link rel="icon" href="data:,"></head><body><main>${body}</main></body></html>`;

async function serve(pages: Record<string, string>): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const page = pages[req.url ?? ''];
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html' });
    res.end(page ?? document('<h1>Not found</h1>'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the axe check of the browser tests', function () {
  let browser: Browser;
  let own: { server: Server; base: string };
  let other: { server: Server; base: string };
  const open = pagesClosedAfterEach(() => browser);

  before(async function () {
    other = await serve({ '/framed': document(`<h1>Framed</h1><img src="${IMAGE}">`) });
    own = await serve({
      '/clean': document('<h1>Clean</h1><p>Nothing wrong here.</p>'),
      '/image': document(`<h1>Image</h1><img src="${IMAGE}">`),
      '/framed': document(`<h1>Framed</h1><img src="${IMAGE}">`),
      '/frame': document('<h1>Frame</h1><iframe title="Inner" src="/framed"></iframe>'),
      '/foreign-frame': document(`<h1>Foreign frame</h1><iframe title="Inner" src="${other.base}/framed"></iframe>`),
    });
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    for (const { server } of [own, other]) await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const violations = (results: Awaited<ReturnType<typeof axeResults>>) =>
    results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));

  it('passes a clean page and finds an image without a text alternative', async function () {
    const { page } = await open();
    await page.goto(`${own.base}/clean`);
    expect(violations(await axeResults(page))).to.deep.equal([]);
    await page.goto(`${own.base}/image`);
    expect(violations(await axeResults(page))).to.deep.equal(['image-alt: img']);
  });

  it('finds the violation inside a frame of the same origin', async function () {
    const { page } = await open();
    await page.goto(`${own.base}/frame`);
    expect(violations(await axeResults(page))).to.include('image-alt: iframe img');
  });

  it('fails on a frame it cannot reach rather than leave it unchecked', async function () {
    const { page } = await open();
    await page.goto(`${own.base}/foreign-frame`);
    let failure: Error | undefined;
    try {
      await axeResults(page);
    } catch (error) {
      failure = error as Error;
    }
    expect(failure?.message).to.contain('frames axe could not check');
  });
});
