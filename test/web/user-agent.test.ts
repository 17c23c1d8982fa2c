// The browser and system named for a session or a push device, from real user agents: the more
// specific name wins where a user agent names several (Edge says Chrome and Safari, an iPhone says
// Mac OS X, Android says Linux).
import { expect } from 'chai';
import { browserAndSystem } from '../../src/core/http/user-agent.ts';

const AGENTS: Array<[string, string | null, string | null]> = [
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Safari',
    'iOS',
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    'Chrome',
    'Android',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
    'Edge',
    'Windows',
  ],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0', 'Firefox', 'macOS'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/126.0.0.0 Safari/537.36', 'Chrome', 'Linux'],
  ['curl/8.5.0', null, null],
];

describe('browser and system from a user agent', () => {
  for (const [agent, browser, system] of AGENTS) {
    it(`${browser ?? 'no browser'} on ${system ?? 'no system'}: ${agent.slice(0, 40)}…`, () => {
      expect(browserAndSystem(agent)).to.deep.equal({ browser, system });
    });
  }
});
