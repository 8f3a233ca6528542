// Call Manager: connect this window as the user's Call Manager (presence), keep it alive with
// heartbeats, say goodbye on leaving, and ring (Web Audio) when a call arrives.
(function () {
  const status = document.getElementById('cm-connection');
  const base = '/api/presence/v1/users/me/call-manager/sessions';
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const headers = { 'X-CSRF-Token': csrf };
  let session = null;

  async function connect() {
    const r = await fetch(base, { method: 'POST', headers: headers });
    if (!r.ok) { status.textContent = 'Not connected: PC ring cannot ring this window.'; return; }
    session = await r.json();
    status.textContent = 'Connected: this window is your Call Manager.';
    setInterval(function () {
      fetch(base + '/' + session.session_id + '/heartbeat', { method: 'POST', headers: headers });
    }, session.heartbeat_every_seconds * 1000);
  }

  window.addEventListener('pagehide', function () {
    if (session) {
      fetch(base + '/' + session.session_id, { method: 'DELETE', headers: headers, keepalive: true });
    }
  });

  function ring() {
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.6].forEach(function (start) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = 440;
        gain.gain.value = 0.2;
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + start);
        tone.stop(audio.currentTime + start + 0.4);
      });
      document.body.dataset.rang = String(Number(document.body.dataset.rang || 0) + 1);
    } catch (e) { /* no audio: the call still shows */ }
  }

  document.body.addEventListener('htmx:sseMessage', function (e) {
    if (e.detail.type === 'call-ringing') { ring(); }
  });
  connect();
})();
