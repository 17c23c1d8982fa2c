// Middleware run one after another as one router layer. Express's router matches each layer's
// path, merges the parameters again and walks its own bookkeeping for every layer a request
// passes; a chain every path passes (the portal's per-request set-up) needs none of that per step.
import type { RequestHandler } from 'express';

/**
 * `handlers` as Express would run them as layers of their own: an error (or a rejected promise)
 * goes on to the router's next error handler, skipping the rest.
 */
export function inSequence(handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (err?: unknown) => {
      // As Express's router reads them: 'route' only ends a route's own handlers (none here), so
      // the chain goes on; 'router' leaves the router, which these handlers are all layers of.
      if (err === 'router') return next('router');
      if (err && err !== 'route') return next(err);
      const handler = handlers[index++];
      if (!handler) return next();
      try {
        const result: unknown = handler(req, res, step);
        if (result instanceof Promise) result.catch((rejected: unknown) => next(rejected ?? new Error('Rejected without a reason')));
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}

/** `handler` for requests of `method` only; others go on past it. */
export function onlyFor(method: string, handler: RequestHandler): RequestHandler {
  return (req, res, next) => (req.method === method ? handler(req, res, next) : next());
}
