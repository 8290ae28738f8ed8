// retiment serve: reload this page when the site is rebuilt, and show why when
// it is not. Served as a file (pages forbid inline scripts), only by the
// preview server: a built site never contains it.
(function () {
  "use strict";
  var overlay = null;

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  // Built with DOM methods and textContent only: diagnostics quote the
  // editor's files, which must never be read as HTML.
  function show(text) {
    hide();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    Object.assign(overlay.style, {
      position: "fixed", top: "0", right: "0", bottom: "0", left: "0", zIndex: "2147483647",
      overflow: "auto", padding: "1.5rem", background: "rgba(24, 24, 24, 0.95)", color: "#f5f5f5",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
    });
    var title = document.createElement("p");
    title.textContent = "retiment: the site does not build. This page reloads by itself once the problems below are fixed; until then it shows the last good build.";
    Object.assign(title.style, { fontWeight: "bold", marginTop: "0", color: "#ffb4a8" });
    var pre = document.createElement("pre");
    pre.textContent = text;
    Object.assign(pre.style, { whiteSpace: "pre-wrap", margin: "0 0 1rem 0" });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", hide);
    overlay.append(title, pre, close);
    document.body.appendChild(overlay);
  }

  var events = new EventSource("/__retiment/events");
  events.addEventListener("reload", function () {
    window.location.reload();
  });
  // The server's `error` event carries the diagnostics; a lost connection
  // fires a plain `error` event without data, and EventSource reconnects.
  events.addEventListener("error", function (e) {
    if (typeof e.data === "string") {
      show(e.data);
    }
  });
})();
