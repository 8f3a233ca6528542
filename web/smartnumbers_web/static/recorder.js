// Record in the browser (MediaRecorder) and send the recording to the page's origin.
// <div class="recorder" data-upload="/api/…" data-method="PUT"> with a Record and a Stop button
// and a status line; on success the page reloads (or data-then is followed).
(function () {
  function csrf() { return document.querySelector('meta[name="csrf-token"]').content; }

  // data-form="<form id>": that form's fields (but the CSRF token) become the upload's query.
  function query(box) {
    if (!box.dataset.form) { return ''; }
    const params = new URLSearchParams(new FormData(document.getElementById(box.dataset.form)));
    params.delete('csrf_token');
    return '?' + params.toString();
  }

  function wire(box) {
    const record = box.querySelector('[data-action="record"]');
    const stop = box.querySelector('[data-action="stop"]');
    const status = box.querySelector('[data-role="status"]');
    let recorder = null, chunks = [], timer = null, seconds = 0;

    record.addEventListener('click', async function () {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (e) {
        status.textContent = 'No microphone: ' + e.message;
        return;
      }
      chunks = []; seconds = 0;
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = function (e) { if (e.data.size) chunks.push(e.data); };
      recorder.onstop = async function () {
        clearInterval(timer);
        stream.getTracks().forEach(function (t) { t.stop(); });
        status.textContent = 'Saving…';
        const body = new Blob(chunks, { type: recorder.mimeType || 'audio/webm' });
        const target = box.dataset.upload + query(box);
        const response = await fetch(target, {
          method: box.dataset.method || 'PUT',
          headers: { 'Content-Type': body.type.split(';')[0], 'X-CSRF-Token': csrf(), 'Accept': 'application/json' },
          body: body,
        });
        if (response.ok) {
          status.textContent = 'Saved.';
          if (box.dataset.then) { window.location.href = box.dataset.then; } else { window.location.reload(); }
        } else {
          let detail = response.statusText;
          try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
          status.textContent = 'Not saved: ' + detail;
          record.disabled = false; stop.disabled = true;
        }
      };
      recorder.start();
      record.disabled = true; stop.disabled = false;
      status.textContent = 'Recording… 0 s';
      timer = setInterval(function () { seconds += 1; status.textContent = 'Recording… ' + seconds + ' s'; }, 1000);
      stop.focus();
    });

    stop.addEventListener('click', function () {
      if (recorder && recorder.state === 'recording') { recorder.stop(); stop.disabled = true; }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.recorder').forEach(wire);
  });
})();
