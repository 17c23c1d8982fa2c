// Passkey ceremonies on the passkeys page (register) and the sign-in page (sign in). Each form
// marked data-passkey-form stays hidden until the browser can do WebAuthn; its button asks the
// portal for the ceremony's options (the challenge stays in the session), hands them to the
// browser through @simplewebauthn/browser (served as /assets/vendor/simplewebauthn-browser.js),
// puts the authenticator's answer into the form's `response` field and submits the form, so the
// portal answers as to any form (a redirect, or the page again with what is wrong). A cancelled
// prompt says so beside the button, in the page's language (data-failed).
(function () {
  function library() {
    return window.SimpleWebAuthnBrowser;
  }
  function supported() {
    return typeof window.PublicKeyCredential === 'function' && typeof window.fetch === 'function';
  }
  function csrfOf(form) {
    var field = form.querySelector('input[name="_csrf"]');
    return field ? field.value : '';
  }
  function Refusal(message) {
    this.message = message;
  }
  function fieldsOf(form) {
    var fields = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== 'response' && typeof value === 'string') fields.append(name, value);
    });
    return fields.toString();
  }
  function say(form, text) {
    var error = form.querySelector('[data-passkey-error]');
    if (!error) return;
    error.textContent = text;
    error.hidden = !text;
  }
  function start(form, button) {
    var lib = library();
    if (!lib) return say(form, form.getAttribute('data-failed'));
    var register = form.getAttribute('data-passkey-form') === 'register';
    var name = form.querySelector('input[name="name"]');
    if (register && name && !name.value.trim()) {
      // The portal checks the name too; asking first spares the device's prompt.
      form.submit();
      return;
    }
    button.disabled = true;
    say(form, '');
    fetch(form.getAttribute('data-options'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrfOf(form) },
      // The form's own fields (the registration's name and "is it really you?"), without the answer to come.
      body: fieldsOf(form),
    })
      .then(function (answer) {
        if (answer.ok) return answer.json();
        // A refusal the person can act on (a wrong password): its words, beside the button.
        return answer.json().then(
          function (body) {
            var words = body?.errors ? Object.values(body.errors)[0] : null;
            throw new Refusal(words || form.getAttribute('data-failed'));
          },
          function () {
            throw new Error(`options ${answer.status}`);
          },
        );
      })
      .then(function (options) {
        return register ? lib.startRegistration({ optionsJSON: options }) : lib.startAuthentication({ optionsJSON: options });
      })
      .then(function (result) {
        form.querySelector('input[name="response"]').value = JSON.stringify(result);
        form.submit();
      })
      .catch(function (error) {
        button.disabled = false;
        say(form, error instanceof Refusal ? error.message : form.getAttribute('data-failed'));
      });
  }
  function wire() {
    if (!supported()) return;
    document.querySelectorAll('[data-passkey-form]').forEach(function (form) {
      if (form.getAttribute('data-wired') === 'yes') return;
      form.setAttribute('data-wired', 'yes');
      form.hidden = false;
      var unsupported = document.querySelector('[data-passkey-unsupported]');
      if (unsupported) unsupported.hidden = true;
      var button = form.querySelector('[data-passkey-start]');
      button.addEventListener('click', function () {
        start(form, button);
      });
      // Enter in the name field starts the ceremony rather than posting an empty answer.
      form.addEventListener('submit', function (event) {
        if (!form.querySelector('input[name="response"]').value) {
          event.preventDefault();
          start(form, button);
        }
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
  else wire();
  document.addEventListener('htmx:after:swap', wire);
})();
