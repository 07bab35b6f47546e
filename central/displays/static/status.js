// The citizen's ticket status, live over Server-Sent Events; rings and vibrates once when the turn is near
// (after a tap on the alerts button: browsers allow sound and vibration only after the user touched the page).
"use strict";

const token = document.body.dataset.token;
const lang = document.body.dataset.lang;
let source = null;
let heardAt = Date.now();
let audio = null; // an AudioContext, made by the tap that turns alerts on
let rung = document.body.dataset.near === "true"; // already near when the page opened: nothing new to ring

function show(id, value) {
  const field = document.getElementById(id);
  const empty = value === null || value === "" || (Array.isArray(value) && !value.length);
  field.textContent = empty ? "" : (Array.isArray(value) ? value.join("\n") : String(value)); // one per line
  field.hidden = empty;
  document.querySelector(`dt[data-for="${id}"]`).hidden = empty;
}

function ring() {
  if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 400]);
  if (!audio) return;
  const now = audio.currentTime;
  [0, 0.5].forEach((offset, index) => { // two notes, like the waiting room's chime
    const tone = audio.createOscillator();
    const level = audio.createGain();
    tone.frequency.value = index ? 523.25 : 659.25;
    level.gain.setValueAtTime(0.4, now + offset);
    level.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.6);
    tone.connect(level).connect(audio.destination);
    tone.start(now + offset);
    tone.stop(now + offset + 0.65);
  });
}

function apply(view) {
  document.body.dataset.state = view.state;
  document.body.dataset.near = String(view.near);
  document.body.dataset.seq = String(view.seq);
  document.getElementById("ticket").textContent = view.ticket;
  document.getElementById("headline").textContent = view.headline;
  show("counter", view.counter);
  show("ahead", view.ahead);
  show("wait", view.wait);
  show("later", view.later);
  const rating = document.getElementById("rating"); // absent once rated
  if (rating) rating.hidden = view.state !== "done";
  if (view.near && !rung) {
    rung = true;
    ring();
    document.body.dataset.rang = "true";
  }
  if (!view.near) rung = false; // sent back to the queue: ring again next time
}

function connect() {
  if (source) source.close();
  heardAt = Date.now();
  source = new EventSource(`/t/${encodeURIComponent(token)}/events?lang=${encodeURIComponent(lang)}`);
  const link = document.getElementById("link");
  source.addEventListener("open", () => { link.hidden = true; });
  source.addEventListener("ping", () => { heardAt = Date.now(); });
  source.addEventListener("status", (event) => {
    heardAt = Date.now();
    link.hidden = true;
    apply(JSON.parse(event.data));
  });
  source.addEventListener("error", () => {
    link.hidden = false;
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
  });
}

document.getElementById("alerts").addEventListener("click", (event) => {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (Context && !audio) audio = new Context();
  if (navigator.vibrate) navigator.vibrate(50); // a short buzz: vibration works on this phone
  event.currentTarget.hidden = true;
  document.getElementById("alerts-on").hidden = false;
});

setInterval(() => { if (Date.now() - heardAt > 50000) connect(); }, 5000);
connect();
