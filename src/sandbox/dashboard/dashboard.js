// vonage-sandbox dashboard: replaces the page's live part with a fresh
// server rendering every second, unless the reader pauses it (the Pause
// button, which only this script adds). While paused nothing on the page
// changes, so a person or a test can read it without it moving underneath.
// The server escapes every value; the page's Content-Security-Policy allows
// no inline script either way.
'use strict';
(function () {
  var live = document.getElementById('live');
  var stamp = document.getElementById('updated');
  if (!live || !stamp) {
    return;
  }
  document.documentElement.classList.add('js');
  var last = null;
  var paused = false;
  var generation = 0;
  function show(text, className) {
    stamp.textContent = text;
    stamp.className = className;
  }
  var pause = document.createElement('button');
  pause.type = 'button';
  pause.id = 'pause';
  function showPause() {
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', paused ? 'true' : 'false');
    pause.title = paused ? 'Show changes again' : 'Hold the page still while you read it';
  }
  pause.addEventListener('click', function () {
    paused = !paused;
    showPause();
    // Set in the click itself: once the stamp says "paused", no refresh in flight can still land.
    show(paused ? 'paused' : 'live', paused ? 'paused' : 'live');
  });
  showPause();
  stamp.parentNode.insertBefore(pause, stamp.nextSibling);
  function refresh() {
    if (paused) {
      window.setTimeout(refresh, 1000);
      return;
    }
    fetch('/_sandbox/ui/live', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (paused) {
          return; // paused while this answer was on its way: keep the page as the reader sees it
        }
        if (html !== last) {
          live.innerHTML = html;
          last = html;
          generation += 1;
          live.setAttribute('data-generation', String(generation));
        }
        show('live \u00b7 updated ' + new Date().toLocaleTimeString(), 'live');
      })
      .catch(function () {
        if (!paused) {
          show('sandbox unreachable \u00b7 retrying', 'stale');
        }
      })
      .then(function () {
        window.setTimeout(refresh, 1000);
      });
  }
  show('live', 'live');
  window.setTimeout(refresh, 1000);
})();
