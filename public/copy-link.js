// Copy buttons for addresses shown in read-only fields (the portal's sign-in address, public links):
// shown only when the browser can copy; without it the address stays in the field to select by
// hand. A real <button>, so Enter and Space work; "Copied" is announced through a polite status
// region next to it, since a changed button label alone is not always read out. Its words come
// from the button (data-copied, data-copied-status, data-copy-by-hand), in the page's language.
(function () {
  function statusFor(button) {
    var id = `${button.getAttribute('data-copy')}-copied`;
    var status = document.getElementById(id);
    if (!status) {
      status = document.createElement('span');
      status.id = id;
      status.className = 'visually-hidden';
      status.setAttribute('role', 'status');
      button.parentNode.insertBefore(status, button.nextSibling);
    }
    return status;
  }
  function wire() {
    if (!navigator.clipboard) return;
    document.querySelectorAll('[data-copy]').forEach(function (button) {
      if (button.getAttribute('data-wired') === 'yes') return;
      button.setAttribute('data-wired', 'yes');
      button.hidden = false;
      var status = statusFor(button);
      button.addEventListener('click', function () {
        var field = document.getElementById(button.getAttribute('data-copy'));
        if (!field) return;
        navigator.clipboard.writeText(field.value).then(
          function () {
            button.firstChild.textContent = button.getAttribute('data-copied');
            status.textContent = '';
            setTimeout(function () {
              status.textContent = button.getAttribute('data-copied-status');
            }, 50);
          },
          function () {
            // Refused (no permission): select the address so it can be copied by hand.
            field.focus();
            field.select();
            status.textContent = button.getAttribute('data-copy-by-hand');
          },
        );
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
  else wire();
  document.addEventListener('htmx:after:swap', wire);
})();
