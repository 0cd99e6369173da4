// The connector screen: copy buttons, the oAuth popup (with a blocked-popup fallback), and live status.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) { return; }
      field.select();
      const done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); }); }
      else { document.execCommand("copy"); done(); }
    });
  });

  const oauth = document.getElementById("oauth-button");
  if (oauth) {
    oauth.addEventListener("click", function () {
      const url = oauth.getAttribute("data-authorize-url");
      const popup = window.open(url, "exact-oauth", "popup=yes,width=640,height=760");
      const blocked = document.getElementById("popup-blocked");
      if (!popup || popup.closed || typeof popup.closed === "undefined") { blocked.hidden = false; }
      else { blocked.hidden = true; }
    });
  }

  // The callback page in the popup tells us the outcome; refresh the status without a reload.
  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin) { return; }
    const data = event.data || {};
    if (data.type !== "ledgerlink:oauth") { return; }
    const slot = document.getElementById("connector-status-slot");
    if (slot && window.htmx) {
      window.htmx.ajax("GET", slot.getAttribute("data-status-url"), { target: "#connector-status-slot", swap: "innerHTML" });
    } else { window.location.reload(); }
  });
})();
