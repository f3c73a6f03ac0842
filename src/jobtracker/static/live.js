// Live updates for signed-in pages: each server event becomes a DOM event on <body>
// ("<type>-changed"), which htmx elements listen to, e.g.
// hx-trigger="notifications-changed from:body". EventSource reconnects by itself.
(function () {
  "use strict";
  if (!window.EventSource || document.body.dataset.live !== "on") return;
  var names = { notification: "notifications-changed" };
  var source = new EventSource("/events");
  Object.keys(names).forEach(function (type) {
    source.addEventListener(type, function () {
      document.body.dispatchEvent(new CustomEvent(names[type]));
    });
  });
})();
