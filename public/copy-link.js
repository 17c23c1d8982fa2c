// Copy buttons for public links on the staff record page: shown only when the browser can copy;
// without it the link stays in a read-only field to select by hand.
(function () {
  function wire() {
    if (!navigator.clipboard) return;
    document.querySelectorAll('[data-copy]').forEach(function (button) {
      if (button.getAttribute('data-wired') === 'yes') return;
      button.setAttribute('data-wired', 'yes');
      button.hidden = false;
      button.addEventListener('click', function () {
        var field = document.getElementById(button.getAttribute('data-copy'));
        if (!field) return;
        navigator.clipboard.writeText(field.value).then(function () {
          button.firstChild.textContent = 'Copied';
        });
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
  else wire();
  document.addEventListener('htmx:after:swap', wire);
})();
