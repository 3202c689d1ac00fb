// Passkeys and security keys. The page holds the server's options in a JSON data block
// (#webauthn-options); a button with data-webauthn="create" or "get" asks the browser for a
// credential and submits its JSON in the form's hidden "response" field. Without JavaScript or
// WebAuthn the button stays hidden and the page offers the authenticator-app code instead.
(function () {
  "use strict";
  var button = document.querySelector("[data-webauthn]");
  var data = document.getElementById("webauthn-options");
  if (!button || !data || !window.PublicKeyCredential || !navigator.credentials) { return; }
  var form = button.form;
  var status = document.getElementById("webauthn-status");

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function withIds(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, {id: toBytes(c.id)}); });
  }
  function encode(credential) {
    var r = credential.response;
    var response = {clientDataJSON: toText(r.clientDataJSON)};
    if (r.attestationObject) { response.attestationObject = toText(r.attestationObject); }
    if (r.authenticatorData) { response.authenticatorData = toText(r.authenticatorData); }
    if (r.signature) { response.signature = toText(r.signature); }
    if (r.userHandle) { response.userHandle = toText(r.userHandle); }
    return JSON.stringify({
      id: credential.id, rawId: toText(credential.rawId), type: credential.type, response: response,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}
    });
  }

  button.hidden = false;
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var options = JSON.parse(data.textContent).publicKey;
    options.challenge = toBytes(options.challenge);
    var request;
    if (button.getAttribute("data-webauthn") === "create") {
      options.user = Object.assign({}, options.user, {id: toBytes(options.user.id)});
      options.excludeCredentials = withIds(options.excludeCredentials);
      request = navigator.credentials.create({publicKey: options});
    } else {
      options.allowCredentials = withIds(options.allowCredentials);
      request = navigator.credentials.get({publicKey: options});
    }
    request.then(function (credential) {
      form.elements.response.value = encode(credential);
      form.submit();
    }).catch(function () {
      if (status) { status.hidden = false; }
    });
  });
}());
