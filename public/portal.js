// Tells the portal the browser's time zone, so times are shown as the reader's clock shows them
// (a client's own choice on the account page still wins). Without JavaScript the workspace's
// default is used.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    // The cookie stays within the portal's own path (where this script is served from).
    var src = document.currentScript?.getAttribute('src') || '/portal/assets/portal.js';
    var path = src.replace(/\/assets\/portal\.js.*$/, '') || '/';
    var cookie = `portal_tz=${encodeURIComponent(zone)}`;
    if (document.cookie.split('; ').indexOf(cookie) === -1) {
      // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser the portal serves
      document.cookie = `${cookie}; path=${path}; max-age=31536000; samesite=lax`;
    }
  } catch (_e) {
    /* an old browser without Intl time zones: the workspace default applies */
  }
})();

// Focus and announcements after an htmx swap, once for every page. Without this, focus falls back to
// <body> after each swap and a screen reader hears nothing. Only swaps a person caused (a form
// submitted, a boosted link or button) move focus; a swap the live stream triggers never does, so
// it cannot pull the reader away from what they are typing. Where focus goes:
//   - an error: the error summary, else the first invalid field;
//   - a boosted page change to a page with an [autofocus] element: that element;
//   - a success with a status message: that message;
//   - a boosted page change: the page's main heading;
//   - otherwise the new content itself (a form left for the next entry: its first field).
// What focus lands on is also written into one polite live region, so the change is announced.
(function () {
  var live = null;
  var pending = null;
  var swapped = [];

  function liveRegion() {
    if (live?.isConnected) return live;
    live = document.getElementById('portal-live');
    if (!live) {
      live = document.createElement('div');
      live.id = 'portal-live';
      live.className = 'visually-hidden';
      live.setAttribute('aria-live', 'polite');
      live.setAttribute('aria-atomic', 'true');
      document.body.appendChild(live);
    }
    return live;
  }

  function announce(text) {
    var region = liveRegion();
    var message = (text || '').replace(/\s+/g, ' ').trim();
    // Emptied first, so the same text twice in a row is announced twice.
    region.textContent = '';
    if (message)
      setTimeout(function () {
        region.textContent = message;
      }, 50);
  }

  function focusOn(el) {
    if (!el) return false;
    if (!el.matches('a[href], button, input, select, textarea, [tabindex]')) el.setAttribute('tabindex', '-1');
    el.focus({ preventScroll: false });
    return document.activeElement === el;
  }

  function describedText(field) {
    var ids = (field.getAttribute('aria-describedby') || '').split(/\s+/);
    for (var i = 0; i < ids.length; i++) {
      var el = ids[i] && document.getElementById(ids[i]);
      if (el && /-error$/.test(ids[i])) return el.textContent;
    }
    return '';
  }

  function first(roots, selector) {
    for (var i = 0; i < roots.length; i++) {
      var root = roots[i];
      if (!root?.isConnected) continue;
      if (root.matches?.(selector)) return root;
      var found = root.querySelector?.(selector);
      if (found) return found;
    }
    return null;
  }

  function userCaused(source) {
    return Boolean(source?.closest?.('form, a[href], button'));
  }

  function settle(roots, ctx) {
    roots = roots.filter(function (el) {
      return el && el.nodeType === 1 && el.isConnected;
    });
    if (!roots.length && ctx && ctx.target && ctx.target.isConnected) roots = [ctx.target];
    if (!roots.length) return;

    var summary = first(roots, '.error-summary');
    if (summary && focusOn(summary)) return announce(summary.textContent);
    var invalid = first(roots, '[aria-invalid="true"]');
    if (invalid && focusOn(invalid)) return announce(describedText(invalid));

    var wholePage = roots.some(function (el) {
      return el === document.body || el.contains(document.getElementById('main'));
    });
    var status = first(roots, '[role="status"], .notice');
    // A page that names where its reader starts (a code field, a heading) says so with autofocus,
    // which browsers honour only on a full load: honoured here on a boosted page change too, with
    // its status message, if any, still announced.
    // The new page's title: htmx sets document.title only after this swap's events, so until
    // then it still names the page left (after sign-in, "Sign in").
    var title = ctx?.title || document.title;
    var chosen = wholePage && first(roots, '[autofocus]');
    if (chosen && focusOn(chosen)) return announce(status?.textContent || title);

    if (status && focusOn(status)) return announce(status.textContent);

    if (wholePage) {
      var heading = document.querySelector('#main h1, #admin-main h1, main h1');
      if (focusOn(heading || document.getElementById('main'))) return announce(title);
      return;
    }

    var root = roots[0];
    var form = root.matches('form') ? root : null;
    if (form) {
      var field = form.querySelector('textarea, input:not([type="hidden"]):not([disabled]), select');
      if (field && focusOn(field)) return announce(liveRegion().getAttribute('data-updated') || '');
    }
    if (focusOn(root)) {
      var label = root.getAttribute('aria-labelledby');
      var labelEl = label && document.getElementById(label);
      announce(labelEl?.textContent || liveRegion().getAttribute('data-updated') || '');
    }
  }

  document.addEventListener('htmx:before:request', function (evt) {
    var ctx = evt.detail?.ctx;
    if (ctx && userCaused(ctx.sourceElement)) {
      pending = ctx;
      swapped = [];
    }
  });
  document.addEventListener('htmx:after:settle', function (evt) {
    if (!pending) return;
    // Only what this request swapped: a live refresh may settle while the request is in flight.
    var task = evt.detail?.task;
    if (task?.sourceElement && task.sourceElement !== pending.sourceElement) return;
    var content = evt.detail?.newContent || [];
    for (var i = 0; i < content.length; i++) swapped.push(content[i]);
    if (!content.length && evt.detail && evt.detail.task && evt.detail.task.target) swapped.push(evt.detail.task.target);
  });
  document.addEventListener('htmx:after:swap', function (evt) {
    var ctx = evt.detail?.ctx;
    if (!pending || ctx !== pending) return;
    pending = null;
    var roots = swapped;
    swapped = [];
    settle(roots, ctx);
  });
  document.addEventListener('DOMContentLoaded', liveRegion);
})();

// The navigation's row on a wider screen keeps to one line: the items that do not fit move, from
// the end, behind "More" (an item with an unread count stays in the row, where the count is read),
// a disclosure button (Enter or Space opens it, Tab goes through its links, Escape closes it and
// puts focus back on it, and leaving it closes it). The links keep their aria-current wherever
// they are, and the button takes the current page's mark while it holds it.
// Fitted on load, on every resize, and after each swap that brings a new navigation (a boosted
// link, the history); a live refresh that leaves the navigation alone never closes an open menu.
(function () {
  function parts(more) {
    return {
      toggle: more.querySelector('.portal-nav__more-toggle'),
      list: more.querySelector('.portal-nav__more-list'),
    };
  }

  function setOpen(more, open) {
    var p = parts(more);
    p.toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    p.list.hidden = !open;
  }

  function isOpen(more) {
    return parts(more).toggle.getAttribute('aria-expanded') === 'true';
  }

  function fitRow(nav) {
    var row = nav.querySelector('.portal-nav__row');
    var more = row?.querySelector('.portal-nav__more');
    if (!more) return;
    var p = parts(more);
    var wasOpen = isOpen(more);
    setOpen(more, false);
    // Every item back in the row in the navigation's order (an item with an unread count stayed
    // in the row after some behind More): the order is taken once, from the page as served.
    var items = Array.prototype.slice.call(row.children, 0, -1).concat(Array.prototype.slice.call(p.list.children));
    for (var i = 0; i < items.length; i++) if (!items[i].hasAttribute('data-nav-order')) items[i].setAttribute('data-nav-order', String(i));
    items.sort(function (a, b) {
      return Number(a.getAttribute('data-nav-order')) - Number(b.getAttribute('data-nav-order'));
    });
    for (var j = 0; j < items.length; j++) row.insertBefore(items[j], more);
    more.hidden = true;
    nav.classList.add('portal-nav--fitted');
    // Where the row is not shown (a phone, which has its own menu), there is nothing to fit.
    if (!row.getClientRects().length) return;
    var limit = row.getBoundingClientRect().right - parseFloat(getComputedStyle(row).paddingRight);
    function fits() {
      var last = more.hidden ? more.previousElementSibling : more;
      return !last || last.getBoundingClientRect().right <= limit + 0.5;
    }
    // The last item that may move: one with an unread count stays in the row, where it is read.
    function lastMovable() {
      for (var li = more.previousElementSibling; li; li = li.previousElementSibling) if (!li.hasAttribute('data-unread')) return li;
      return null;
    }
    if (!fits()) {
      more.hidden = false;
      var next = lastMovable();
      while (!fits() && next) {
        p.list.insertBefore(next, p.list.firstElementChild);
        next = lastMovable();
      }
    }
    p.toggle.classList.toggle('portal-nav__more-toggle--current', Boolean(p.list.querySelector('[aria-current="page"]')));
    if (wasOpen && !more.hidden) setOpen(more, true);
  }

  function fitAll(onlyNew) {
    var navs = document.querySelectorAll('.portal-nav');
    for (var i = 0; i < navs.length; i++) if (!onlyNew || !navs[i].classList.contains('portal-nav--fitted')) fitRow(navs[i]);
  }

  function closeAll(except) {
    var open = document.querySelectorAll('.portal-nav__more');
    for (var i = 0; i < open.length; i++) if (open[i] !== except && isOpen(open[i])) setOpen(open[i], false);
  }

  document.addEventListener('click', function (evt) {
    var toggle = evt.target.closest?.('.portal-nav__more-toggle');
    var more = evt.target.closest?.('.portal-nav__more');
    closeAll(more);
    if (toggle) setOpen(more, !isOpen(more));
  });
  document.addEventListener('keydown', function (evt) {
    if (evt.key !== 'Escape') return;
    var open = document.querySelector('.portal-nav__more-toggle[aria-expanded="true"]');
    if (!open) return;
    var more = open.closest('.portal-nav__more');
    var inside = more.contains(document.activeElement);
    setOpen(more, false);
    if (inside) open.focus();
    evt.preventDefault();
  });
  document.addEventListener('focusout', function (evt) {
    var more = evt.target.closest?.('.portal-nav__more');
    if (more && isOpen(more) && !(evt.relatedTarget && more.contains(evt.relatedTarget))) setOpen(more, false);
  });

  var scheduled = false;
  window.addEventListener('resize', function () {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () {
      scheduled = false;
      fitAll(false);
    });
  });
  document.addEventListener('htmx:after:swap', function () {
    fitAll(true);
  });
  fitAll(false);
})();

// The installed portal: the service worker registered at the portal's base (where the manifest
// link points). The worker keeps only the static shell and an offline page (see the portal's sw.js);
// the push control of this device has its own script (push-device.js), on the page that shows it.
(function () {
  var link = document.querySelector('link[rel="manifest"]');
  if (!link || !('serviceWorker' in navigator)) return;
  var base = link.getAttribute('href').replace(/\/manifest\.webmanifest$/, '');
  navigator.serviceWorker.register(`${base}/sw.js`, { scope: `${base}/` }).catch(function () {
    /* no worker (a private window, an http address): the portal works as before */
  });
})();
