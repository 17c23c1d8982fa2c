// This device's push messages, on the notification preferences page (app-push/_device.ejs): shows
// the buttons where the browser can receive push, subscribes with the workspace's key and tells the
// portal (POST with the page's CSRF header). Loaded only there, so no other page carries it; the
// service worker it subscribes through is registered by portal.js on every page.
(function () {
  // Once per document: a page reached again through htmx brings the script again.
  if (!('serviceWorker' in navigator) || window.portalPushDevice) return;
  window.portalPushDevice = true;

  function keyBytes(key) {
    var raw = atob(key.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (key.length % 4)) % 4));
    return Uint8Array.from(raw, function (c) {
      return c.charCodeAt(0);
    });
  }

  function post(url, fields) {
    var headers = JSON.parse(document.querySelector('[hx-headers\\:inherited]')?.getAttribute('hx-headers:inherited') || '{}');
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return fetch(url, { method: 'POST', headers: headers, body: new URLSearchParams(fields), credentials: 'same-origin' }).then(
      function (answer) {
        if (!answer.ok) throw new Error(`push endpoint answered ${answer.status}`);
      },
    );
  }

  function show(box, subscription, text) {
    box.querySelector('[data-push-on]').hidden = Boolean(subscription);
    box.querySelector('[data-push-off]').hidden = !subscription;
    box.querySelector('[data-push-status]').textContent = text || box.dataset[subscription ? 'textOn' : 'textOff'];
  }

  function setUp() {
    var box = document.querySelector('[data-push-device]');
    if (!box || box.dataset.ready) return;
    box.dataset.ready = 'yes';
    if (!('PushManager' in window) || !('Notification' in window)) {
      box.querySelector('[data-push-status]').textContent = box.dataset.textUnsupported;
      return;
    }
    navigator.serviceWorker.ready
      .then(function (registration) {
        return registration.pushManager.getSubscription();
      })
      .then(function (subscription) {
        show(box, subscription, Notification.permission === 'denied' ? box.dataset.textDenied : null);
        // The browser still holds a subscription the portal may have dropped (a sign-out on this
        // device removes it there): said again, so "on" here is on at the portal too.
        if (subscription) {
          var json = subscription.toJSON();
          post(box.dataset.pushSubscribe, { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth }).catch(function () {
            show(box, null, box.dataset.textFailed);
          });
        }
      });
  }

  document.addEventListener('click', function (evt) {
    var button = evt.target.closest?.('[data-push-on], [data-push-off]');
    var box = button?.closest('[data-push-device]');
    if (!box) return;
    button.disabled = true;
    var turnOn = button.hasAttribute('data-push-on');
    navigator.serviceWorker.ready
      .then(function (registration) {
        // A subscription left from an earlier key (the agency's pair was replaced) would refuse the new one.
        if (turnOn)
          return registration.pushManager
            .getSubscription()
            .then(function (old) {
              return old ? old.unsubscribe() : true;
            })
            .then(function () {
              return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.pushKey) });
            })
            .then(function (subscription) {
              var json = subscription.toJSON();
              return post(box.dataset.pushSubscribe, { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth }).then(
                function () {
                  show(box, subscription);
                },
              );
            });
        return registration.pushManager.getSubscription().then(function (subscription) {
          if (!subscription) return show(box, null);
          return post(box.dataset.pushRemove, { endpoint: subscription.endpoint })
            .then(function () {
              return subscription.unsubscribe();
            })
            .then(function () {
              show(box, null);
            });
        });
      })
      .catch(function () {
        show(box, null, Notification.permission === 'denied' ? box.dataset.textDenied : box.dataset.textFailed);
      })
      .finally(function () {
        button.disabled = false;
      });
  });
  document.addEventListener('htmx:after:swap', setUp);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();
})();
