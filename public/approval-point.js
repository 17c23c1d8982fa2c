// Places an approval comment's point on the image: a click (or a tap) on the image, or the arrow
// keys and Enter once the image has the focus, sets the "across" and "down" number fields of the
// decision form, in percent of the image's width and height, and shows a pin there. The fields
// stay the way without a script, and the accessible one: typing in them moves the pin too.
// Nothing here is sent: the form posts the fields as before.
(function () {
  var SVG = 'http://www.w3.org/2000/svg';
  function clamp(value) {
    return Math.max(0, Math.min(100, Math.round(value)));
  }
  function wire(root) {
    var frame = root.querySelector('[data-approval-point]');
    var x = root.querySelector('#approval-point-x');
    var y = root.querySelector('#approval-point-y');
    if (!frame || !x || !y || frame.getAttribute('data-wired') === 'yes') return;
    var image = frame.querySelector('img');
    if (!image) return;
    frame.setAttribute('data-wired', 'yes');
    // The image takes the focus: arrow keys move the pin, Shift moves it further, Enter sets it.
    frame.setAttribute('tabindex', '0');
    frame.setAttribute('role', 'group');
    frame.setAttribute('aria-label', frame.getAttribute('data-label') || '');
    frame.classList.add('approval-view__frame--placing');
    var marks = document.createElementNS(SVG, 'svg');
    marks.setAttribute('class', 'approval-view__marks approval-view__marks--draft');
    marks.setAttribute('aria-hidden', 'true');
    marks.setAttribute('focusable', 'false');
    var pin = document.createElementNS(SVG, 'circle');
    pin.setAttribute('r', '10');
    marks.appendChild(pin);
    frame.appendChild(marks);
    var at = { x: 50, y: 50 };

    function show() {
      var placed = x.value !== '' && y.value !== '';
      marks.classList.toggle('approval-view__marks--hidden', !(placed || frame === document.activeElement));
      pin.setAttribute('cx', `${at.x}%`);
      pin.setAttribute('cy', `${at.y}%`);
    }
    function set(next) {
      at = { x: clamp(next.x), y: clamp(next.y) };
      x.value = String(at.x);
      y.value = String(at.y);
      show();
    }
    function fromFields() {
      if (x.value === '' || y.value === '') return show();
      at = { x: clamp(Number(x.value)), y: clamp(Number(y.value)) };
      show();
    }
    image.addEventListener('click', function (event) {
      var box = image.getBoundingClientRect();
      if (!box.width || !box.height) return;
      set({ x: ((event.clientX - box.left) / box.width) * 100, y: ((event.clientY - box.top) / box.height) * 100 });
    });
    frame.addEventListener('keydown', function (event) {
      var step = event.shiftKey ? 10 : 1;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (move) {
        event.preventDefault();
        at = { x: clamp(at.x + move[0]), y: clamp(at.y + move[1]) };
        show();
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        set(at);
      }
    });
    frame.addEventListener('focus', show);
    frame.addEventListener('blur', show);
    x.addEventListener('input', fromFields);
    y.addEventListener('input', fromFields);
    fromFields();
  }
  function start() {
    wire(document);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
  document.addEventListener('htmx:after:swap', start);
})();
