/* On the sign-in page (where signing out lands): forget the check-in page kept for offline
   use, so the next person on this device never sees it. Unsent check-ins stay in the queue
   (tagged with their owner) until that patient signs in again. */
(function () {
  "use strict";
  if (!window.caches) { return; }
  window.caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("atlaxis-checkin-") === 0; })
      .map(function (n) { return window.caches.delete(n); }));
  }).then(function () {
    document.documentElement.setAttribute("data-offline-cleared", "1");
  }, function () { /* storage unavailable: nothing was kept */ });
}());
