// The connector screen: copy buttons, the oAuth popup (with a blocked-popup fallback), and live updates.
// Handlers are delegated from the document, so they keep working after the screen is refreshed in place.
(function () {
  "use strict";
  if (window.ledgerlinkConnectors) { return; }
  window.ledgerlinkConnectors = true;

  function copy(button) {
    const field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    field.select();
    const done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else { document.execCommand("copy"); done(); }
  }

  function authorize(button) {
    const popup = window.open(button.getAttribute("data-authorize-url"), "exact-oauth", "popup=yes,width=640,height=760");
    const blocked = document.getElementById("popup-blocked");
    blocked.hidden = Boolean(popup && !popup.closed);
  }

  document.addEventListener("click", function (event) {
    const copyButton = event.target.closest("[data-copy]");
    if (copyButton) { copy(copyButton); return; }
    const oauthButton = event.target.closest("#oauth-button");
    if (oauthButton) { authorize(oauthButton); }
  });

  // The Callback URL follows the Number while it still shows the suggestion (views._follow_the_number does the
  // same on Save); once the user types their own Callback URL it stays theirs.
  document.addEventListener("input", function (event) {
    const number = event.target.closest("#id_number");
    if (!number) { return; }
    const callback = document.querySelector("[data-callback-prefix]");
    if (!callback) { return; }
    const prefix = callback.getAttribute("data-callback-prefix");
    const shown = callback.getAttribute("data-number") || number.defaultValue;
    if (callback.value === prefix + shown && /^[0-9]+$/.test(number.value)) {
      callback.value = prefix + number.value;
      callback.setAttribute("data-number", number.value);
    }
  });

  // The callback page in the popup reports the outcome: refresh the screen in place, without a reload.
  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin) { return; }
    const data = event.data || {};
    if (data.type !== "ledgerlink:oauth") { return; }
    if (window.htmx) {
      window.htmx.ajax("GET", window.location.pathname, { target: "main", select: "main", swap: "outerHTML" });
    } else { window.location.reload(); }
  });
})();
