// Entry of a PDF render worker thread. The portal runs its TypeScript through tsx, whose module
// hooks on Node 20 do not reach worker threads: the worker registers them itself, then loads
// the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./render-worker.ts');
