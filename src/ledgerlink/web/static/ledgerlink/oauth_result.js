// The callback page: tell the connector screen that opened this popup, then close; in a tab, offer the way back.
(function () {
  "use strict";
  const result = document.getElementById("oauth-result");
  const close = document.getElementById("close-window");
  if (close) { close.addEventListener("click", function () { window.close(); }); }
  if (window.opener && !window.opener.closed) {
    if (close) { close.hidden = false; }
    try {
      window.opener.postMessage({ type: "ledgerlink:oauth", ok: result.getAttribute("data-ok") === "true",
                                  number: result.getAttribute("data-number") }, window.location.origin);
    } catch (error) { /* opener on another origin: nothing to tell */ }
    if (result.getAttribute("data-ok") === "true") { window.setTimeout(function () { window.close(); }, 800); }
  }
})();
