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
