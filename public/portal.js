// Tells the portal the browser's time zone, so times are shown as the reader's clock shows them
// (a client's own choice on the account page still wins). Without JavaScript the workspace's
// default is used.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    // The cookie stays within the portal's own path (where this script is served from).
    var src = (document.currentScript && document.currentScript.getAttribute('src')) || '/portal/assets/portal.js';
    var path = src.replace(/\/assets\/portal\.js.*$/, '') || '/';
    var cookie = 'portal_tz=' + encodeURIComponent(zone);
    if (document.cookie.split('; ').indexOf(cookie) === -1) {
      document.cookie = cookie + '; path=' + path + '; max-age=31536000; samesite=lax';
    }
  } catch (e) {
    /* an old browser without Intl time zones: the workspace default applies */
  }
})();
