// A page sent no-store is never kept, so never asked for again with its ETag: it goes out without
// one (Express would hash the whole body for it), with its length counted from the UTF-8 bytes.
// Any other page keeps Express's ETag. The check reads Cache-Control as directives, so "no-store"
// set by a route beside other directives counts, and a directive that only contains it does not.
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { isNoStore, noStore } from '../../src/core/web/cache-control.ts';
import { sendPage } from '../../src/core/web/render.ts';

const FRAGMENT = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };

function appSending(cacheControl: string | null) {
  const app = express();
  if (cacheControl === 'no-store') app.use(noStore);
  app.get('/', (req, res) => {
    if (cacheControl && cacheControl !== 'no-store') res.set('Cache-Control', cacheControl);
    sendPage(req, res, 'partials/field-error', { id: 'name', message: 'Schöne Grüße' }, { layout: 'layout', title: 'x', chrome: {} });
  });
  return app;
}

describe('pages sent no-store', function () {
  it('go out without an ETag, their length counted in UTF-8 bytes', async function () {
    const res = await request(appSending('no-store')).get('/').set(FRAGMENT).expect(200);
    expect(res.headers.etag).to.equal(undefined);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.text).to.include('Schöne Grüße');
    expect(Number(res.headers['content-length'])).to.equal(Buffer.byteLength(res.text));
  });

  it('count no-store among other directives, in any case', async function () {
    const res = await request(appSending('private, No-Store')).get('/').set(FRAGMENT).expect(200);
    expect(res.headers.etag).to.equal(undefined);
  });

  it('leave the ETag to pages that may be kept', async function () {
    for (const cacheControl of [null, 'private, max-age=60', 'x-no-store-hint']) {
      const res = await request(appSending(cacheControl)).get('/').set(FRAGMENT).expect(200);
      expect(res.headers.etag, String(cacheControl)).to.be.a('string');
    }
  });

  it('answer HEAD with the length and no body', async function () {
    const res = await request(appSending('no-store')).head('/').set(FRAGMENT).expect(200);
    expect(Number(res.headers['content-length'])).to.be.greaterThan(0);
    expect(res.text ?? '').to.equal('');
  });

  it('are told apart by isNoStore from the header as set', function () {
    const res = { get: (name: string) => (name === 'Cache-Control' ? 'no-cache, no-store' : undefined) } as unknown as express.Response;
    expect(isNoStore(res)).to.equal(true);
    const kept = { get: () => undefined } as unknown as express.Response;
    expect(isNoStore(kept)).to.equal(false);
  });
});
