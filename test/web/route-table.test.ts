// enteredByFirstSegment: a feature router is entered only for the first path segments its routes
// start with, and a router it cannot judge (middleware of its own, a route that starts with a
// parameter) is mounted as it is.
import { expect } from 'chai';
import express, { Router, type RequestHandler } from 'express';
import supertest from 'supertest';
import { enteredByFirstSegment } from '../../src/core/web/route-table.ts';

describe('enteredByFirstSegment', function () {
  function app(routers: Router[]) {
    const web = express();
    for (const router of routers) web.use(enteredByFirstSegment(router));
    web.use((req, res) => res.status(404).send(`none for ${req.path}`));
    return web;
  }

  /** How often each router was entered: a router function hands every request to its handle(). */
  function counted(router: Router): { router: Router; entered: () => number } {
    let entered = 0;
    const routed = router as unknown as { handle: RequestHandler };
    const handle = routed.handle.bind(router);
    routed.handle = (req, res, next) => {
      entered++;
      void handle(req, res, next);
    };
    return { router, entered: () => entered };
  }

  it('enters a router for the first segments its routes start with, in any case, and only those', async function () {
    const invoices = counted(Router());
    invoices.router.get('/invoices', (_req, res) => res.send('list'));
    invoices.router.get('/invoices/:id.pdf', (req, res) => res.send(`pdf ${String(req.params.id)}`));
    const home = counted(Router());
    home.router.get('/', (_req, res) => res.send('home'));
    const documents = counted(Router());
    documents.router.all('/documents/{*rest}', (_req, res) => res.send('documents'));
    const web = app([invoices.router, home.router, documents.router]);

    expect((await supertest(web).get('/invoices').expect(200)).text).to.equal('list');
    expect((await supertest(web).get('/INVOICES/').expect(200)).text).to.equal('list');
    expect((await supertest(web).get('/invoices/7.pdf').expect(200)).text).to.equal('pdf 7');
    expect([invoices.entered(), home.entered(), documents.entered()]).to.deep.equal([3, 0, 0]);
    expect((await supertest(web).get('/').expect(200)).text).to.equal('home');
    expect((await supertest(web).get('/documents/a').expect(200)).text).to.equal('documents');
    expect([invoices.entered(), home.entered(), documents.entered()]).to.deep.equal([3, 1, 1]);
    expect((await supertest(web).get('/invoicesx').expect(404)).text).to.equal('none for /invoicesx');
    expect((await supertest(web).get('/tasks/invoices').expect(404)).text).to.equal('none for /tasks/invoices');
    expect([invoices.entered(), home.entered(), documents.entered()]).to.deep.equal([3, 1, 1]);
  });

  it('mounts as it is a router with middleware of its own, or a route that starts with a parameter', async function () {
    const gated = Router();
    gated.use((_req, res, next) => {
      res.locals.gated = true;
      next();
    });
    gated.get('/account', (_req, res) => res.send('account'));
    const byParam = Router();
    byParam.get('/:section/list', (req, res) => res.send(String(req.params.section)));
    expect(enteredByFirstSegment(gated)).to.equal(gated);
    expect(enteredByFirstSegment(byParam)).to.equal(byParam);
    const plain = Router();
    plain.get('/account', (_req, res) => res.send('account'));
    expect(enteredByFirstSegment(plain)).to.not.equal(plain);
    expect(
      (
        await supertest(app([byParam]))
          .get('/anything/list')
          .expect(200)
      ).text,
    ).to.equal('anything');
  });
});
