// Wires signature_pad to the accept form: shows the (optional) drawing area, keeps the hidden
// `signatureStrokes` field in step with the canvas, and clears both on request. The field holds
// the strokes (signature_pad's toData() points, in the canvas's CSS pixels, rounded to a tenth),
// not a PNG of the canvas: a PNG grows with the screen's pixel density (112 KB from a phone),
// strokes do not (a few KB anywhere), and the server draws the evidence image from them. The typed
// name stays the signature that always works, with or without this script.
(function () {
  function wire(root) {
    var box = root.querySelector('[data-signature]');
    if (!box || box.getAttribute('data-wired') === 'yes' || typeof window.SignaturePad !== 'function') return;
    var canvas = box.querySelector('canvas');
    var field = box.querySelector('[data-signature-field]');
    var clear = box.querySelector('[data-signature-clear]');
    box.hidden = false;
    box.setAttribute('data-wired', 'yes');
    var pad = new window.SignaturePad(canvas, { backgroundColor: 'rgb(255,255,255)', penColor: 'rgb(20,20,40)' });
    // The server takes at most 5000 points, 1500 a stroke (src/features/offers/decisions/signature-strokes.ts);
    // past fewer than that, every other point is dropped, which keeps the shape of even the
    // longest signature. More than 60 strokes is refused there with a message, not cut here.
    var MAX_POINTS = 4000;
    var drawnWidth = 0;
    var drawnHeight = 0;
    function resize() {
      // Draw at the device's pixel density without changing the canvas's size on the page.
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var width = canvas.offsetWidth || 600;
      var height = canvas.offsetHeight || 200;
      // Points are in CSS pixels: a canvas that changed size (a phone turned) scales them with it.
      var sx = drawnWidth ? width / drawnWidth : 1;
      var sy = drawnHeight ? height / drawnHeight : 1;
      var data = pad.toData().map(function (group) {
        group.points = group.points.map(function (p) {
          return { x: p.x * sx, y: p.y * sy, pressure: p.pressure, time: p.time };
        });
        return group;
      });
      drawnWidth = width;
      drawnHeight = height;
      canvas.width = Math.min(Math.round(width * ratio), 2400);
      canvas.height = Math.min(Math.round(height * ratio), 1200);
      canvas.getContext('2d').scale(canvas.width / width, canvas.height / height);
      pad.clear();
      if (data.length) pad.fromData(data);
    }
    function strokes() {
      var width = canvas.offsetWidth || 600;
      var height = canvas.offsetHeight || 200;
      var tenth = function (value, max) {
        return Math.round(Math.min(Math.max(value, 0), max) * 10) / 10;
      };
      var data = pad.toData();
      var total = data.reduce(function (n, group) {
        return n + group.points.length;
      }, 0);
      var step = 1;
      while (total / step > MAX_POINTS) step *= 2;
      var groups = data
        .map(function (group) {
          var own = step;
          while (group.points.length / own > 1400) own *= 2;
          var flat = [];
          group.points.forEach(function (point, i) {
            if (i % own === 0 || i === group.points.length - 1) flat.push(tenth(point.x, width), tenth(point.y, height));
          });
          return flat;
        })
        .filter(function (flat) {
          return flat.length >= 2;
        });
      return groups.length ? JSON.stringify({ v: 1, w: Math.round(width * 10) / 10, h: Math.round(height * 10) / 10, s: groups }) : '';
    }
    // A form shown again (a missing name, say) brings back the strokes already drawn: redraw them,
    // scaled to the canvas as it is now, so the signature need not be drawn twice.
    function restore() {
      if (!field.value) return;
      try {
        var kept = JSON.parse(field.value);
        var sx = (canvas.offsetWidth || 600) / kept.w;
        var sy = (canvas.offsetHeight || 200) / kept.h;
        pad.fromData(
          kept.s.map(function (flat) {
            var points = [];
            for (var i = 0; i + 1 < flat.length; i += 2) points.push({ x: flat[i] * sx, y: flat[i + 1] * sy, pressure: 0.5, time: i * 8 });
            return { points: points };
          }),
        );
        sync();
      } catch (_e) {
        pad.clear();
        field.value = '';
      }
    }
    function sync() {
      field.value = pad.isEmpty() ? '' : strokes();
    }
    resize();
    restore();
    pad.addEventListener('endStroke', sync);
    clear.addEventListener('click', function () {
      pad.clear();
      sync();
    });
    window.addEventListener('resize', function () {
      resize();
      sync();
    });
  }
  function start() {
    wire(document);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
  document.addEventListener('htmx:after:swap', start);
})();
