// Switching the portal's language answers in the language just chosen: the confirmation, the
// page around it and its lang attribute, with or without JavaScript (htmx).
import { expect } from 'chai';
import { csrfFrom, type PortalHarness, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

describe('switching the language', function () {
  this.timeout(120_000);
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness();
  });
  after(async function () {
    await h?.close();
  });

  async function maria() {
    const agent = await signedInDemoClient(h, 'maria@northwind.test');
    // Start from English, whatever an earlier test chose.
    const page = await agent.get('/portal/demo/account').set('Accept-Language', 'en').expect(200);
    await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale: 'en', timeZone: '' })
      .expect(303);
    return agent;
  }

  it('confirms a switch to German in German after post/redirect/get', async function () {
    const agent = await maria();
    const page = await agent.get('/portal/demo/account').expect(200);
    expect(page.text).to.contain('<html lang="en"');
    const saved = await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale: 'de', timeZone: '' })
      .expect(303);
    const after = await agent.get(saved.headers.location!).expect(200);
    expect(after.text).to.contain('<html lang="de"');
    expect(after.text).to.contain('Ihre Sprache und Zeitzone sind gespeichert.');
  });

  it('confirms a switch to German in German when htmx sends the form', async function () {
    const agent = await maria();
    const page = await agent.get('/portal/demo/account').expect(200);
    const saved = await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .set('HX-Request', 'true')
      .set('HX-Boosted', 'true')
      .send({ _csrf: csrfFrom(page.text), locale: 'de', timeZone: '' });
    expect(saved.status).to.be.oneOf([200, 204]);
    // The page is loaded afresh in the new language (its <html lang> too, which a body swap
    // would leave behind): htmx follows HX-Redirect with a full load.
    const target = saved.headers['hx-redirect'];
    expect(target, 'HX-Redirect').to.be.a('string');
    const after = await agent.get(target!).expect(200);
    expect(after.text).to.contain('<html lang="de"');
    expect(after.text).to.contain('Ihre Sprache und Zeitzone sind gespeichert.');
    expect(after.text).to.not.contain('Your language and time zone are saved.');
  });

  it('keeps the htmx answer in place when only the time zone changes', async function () {
    const agent = await maria();
    const page = await agent.get('/portal/demo/account').expect(200);
    const saved = await agent
      .post('/portal/demo/account/preferences')
      .type('form')
      .set('HX-Request', 'true')
      .set('HX-Boosted', 'true')
      .send({ _csrf: csrfFrom(page.text), locale: 'en', timeZone: 'Europe/Berlin' })
      .expect(200);
    expect(saved.text).to.contain('Your language and time zone are saved.');
  });
});
