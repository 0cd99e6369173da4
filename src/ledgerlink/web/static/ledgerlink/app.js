// Quick search: Ctrl+K / Cmd+K focuses it; arrow keys move through the results; Enter opens one.
(function () {
  "use strict";
  function box() { return document.getElementById("quick-search-input"); }
  function list() { return document.getElementById("quick-search-results"); }
  function options() { return Array.from(list().querySelectorAll("[role=option]")); }
  function select(index) {
    const items = options();
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
    const input = box();
    if (items[index]) { input.setAttribute("aria-activedescendant", items[index].id); }
    else { input.removeAttribute("aria-activedescendant"); }
  }
  function selectedIndex() { return options().findIndex(function (item) { return item.getAttribute("aria-selected") === "true"; }); }

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      const input = box();
      if (input) { event.preventDefault(); input.focus(); input.select(); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    const input = box();
    if (!input) { return; }
    input.addEventListener("keydown", function (event) {
      const items = options();
      if (event.key === "ArrowDown") { event.preventDefault(); select(Math.min(selectedIndex() + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); select(Math.max(selectedIndex() - 1, 0)); }
      else if (event.key === "Enter") {
        const index = selectedIndex() >= 0 ? selectedIndex() : 0;
        const link = items[index] && items[index].querySelector("a");
        event.preventDefault();
        if (link) { window.location.assign(link.href); }
      } else if (event.key === "Escape") { list().innerHTML = ""; input.setAttribute("aria-expanded", "false"); }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === list()) {
        input.setAttribute("aria-expanded", options().length ? "true" : "false");
        select(options().length ? 0 : -1);
      }
    });
    // Close an open menu when clicking elsewhere.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("nav.menus details[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
      });
    });
  });
})();

// A form marked data-disable-on-submit disables its button once sent (an upload can take a while): no second
// submission, and the button says what is happening.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-disable-on-submit")) { return; }
  form.setAttribute("aria-busy", "true");
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    // After the event, so the button's own name/value is still sent with the form.
    window.setTimeout(function () {
      button.disabled = true;
      if (button.dataset.busyLabel) { button.textContent = button.dataset.busyLabel; }
    }, 0);
  });
});
