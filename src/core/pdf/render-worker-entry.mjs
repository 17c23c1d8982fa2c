// Entry of a PDF render worker thread. The portal runs its TypeScript through tsx, whose module
// hooks on Node 20 do not reach worker threads: the worker registers them itself, then hands
// Piscina the task of the worker proper.
import { register } from 'tsx/esm/api';

register();
const { default: renderInWorker } = await import('./render-worker.ts');
export default renderInWorker;
