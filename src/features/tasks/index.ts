export { presentTask } from './presenters.ts';
