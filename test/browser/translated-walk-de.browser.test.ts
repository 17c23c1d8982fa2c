// The German walk of the portal in Chromium (test/browser/translated-walk.ts says what it checks).
import { walkInLanguage } from './translated-walk.ts';

walkInLanguage('de');
