// vonage-sandbox dashboard: replaces the page's live part with a fresh
// server rendering every second. The server escapes every value; the page's
// Content-Security-Policy allows no inline script either way.
'use strict';
(function () {
  var live = document.getElementById('live');
  var stamp = document.getElementById('updated');
  if (!live || !stamp) {
    return;
  }
  document.documentElement.classList.add('js');
  var last = null;
  function show(text, className) {
    stamp.textContent = text;
    stamp.className = className;
  }
  function refresh() {
    fetch('/_sandbox/ui/live', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (html !== last) {
          live.innerHTML = html;
          last = html;
        }
        show('live \u00b7 updated ' + new Date().toLocaleTimeString(), 'live');
      })
      .catch(function () {
        show('sandbox unreachable \u00b7 retrying', 'stale');
      })
      .then(function () {
        window.setTimeout(refresh, 1000);
      });
  }
  show('live', 'live');
  window.setTimeout(refresh, 1000);
})();
