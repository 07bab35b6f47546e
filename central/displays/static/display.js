// The waiting-room display: follows the office's queue over Server-Sent Events, shows who is called where and
// who is next, and announces each new call (chime, Japanese, English). Every message is a whole state, so a
// reconnect (network drop, central restarted) resyncs with its first message.
"use strict";

const office = document.body.dataset.office;
const labels = JSON.parse(document.getElementById("labels").textContent);
const SHOWN_CALLS = 5;
const SILENT_AFTER_MS = 50000; // three missed pings (15 s apart) and a margin: the link is dead, reconnect
const FRESH_MS = 10000;
const ANNOUNCE_AT_MOST = 3; // after a long outage, announce only the newest calls missed

let source = null;
let lastSeq = -1;
let resync = true; // the first state after (re)connecting is taken whatever its seq
let primed = false; // calls already made when the page opened are shown, not announced
let heardAt = Date.now();
const announced = new Set();
const speech = []; // URLs still to play, in order
let playing = false;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
}

function connect() {
  if (source) source.close();
  heardAt = Date.now();
  source = new EventSource(`/display/${encodeURIComponent(office)}/events`);
  source.addEventListener("open", () => { // also after EventSource reconnected by itself
    resync = true;
    document.body.dataset.connected = "true";
  });
  source.addEventListener("ping", () => { heardAt = Date.now(); });
  source.addEventListener("queue", (event) => {
    heardAt = Date.now();
    apply(JSON.parse(event.data));
  });
  source.addEventListener("error", () => {
    document.body.dataset.connected = "false";
    // EventSource retries by itself after a dropped connection, but gives up on an HTTP error (a proxy's 502
    // while central restarts): then start again.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
  });
}

setInterval(() => {
  if (Date.now() - heardAt > SILENT_AFTER_MS) {
    document.body.dataset.connected = "false";
    connect();
  }
}, 5000);

function apply(state) {
  if (!resync && state.seq < lastSeq) return; // an older state than the one shown
  resync = false;
  lastSeq = state.seq;
  document.body.dataset.seq = String(state.seq);
  document.body.dataset.connected = "true";
  const names = new Map(state.counters.map((counter) => [counter.counter, counter]));
  renderCalls(state.calls, names);
  renderCounters(state.counters);
  announce(state.calls);
}

const noCalls = document.querySelector("#calls .empty"); // shown again on a new day (the TV stays on)

function renderCalls(calls, names) {
  const section = document.getElementById("calls");
  if (!calls.length) {
    section.replaceChildren(noCalls);
    return;
  }
  const seen = new Set();
  const latest = calls.filter((call) => {
    const desk = `${call.counter}/${call.desk}`;
    if (seen.has(desk)) return false; // only the newest call at each desk
    seen.add(desk);
    return true;
  }).slice(0, SHOWN_CALLS);
  const template = document.getElementById("call-card");
  section.replaceChildren(...latest.map((call, index) => {
    const card = template.content.firstElementChild.cloneNode(true);
    const counter = names.get(call.counter);
    card.dataset.call = call.call_id;
    card.querySelector(".ticket").textContent = call.ticket;
    card.querySelector(".desk-ja").textContent = format(labels.ja.desk, { desk: call.desk });
    card.querySelector(".desk-en").textContent = format(labels.en.desk, { desk: call.desk });
    card.querySelector(".counter-ja").textContent = counter ? counter.name_ja : "";
    card.querySelector(".counter-en").textContent = counter ? counter.name_en : "";
    if (index === 0) card.classList.add("newest");
    if (Date.now() - Date.parse(call.at) < FRESH_MS) card.classList.add("fresh");
    return card;
  }));
}

function renderCounters(counters) {
  const template = document.getElementById("counter-row");
  const busy = counters.filter((counter) => counter.waiting > 0 || counter.next.length);
  document.getElementById("counters").replaceChildren(...busy.map((counter) => {
    const row = template.content.firstElementChild.cloneNode(true);
    row.dataset.counter = counter.counter;
    row.querySelector(".name-ja").textContent = counter.name_ja;
    row.querySelector(".name-en").textContent = counter.name_en;
    let waiting = format(labels.ja.waiting, { count: counter.waiting });
    let waitingEn = format(labels.en.waiting, { count: counter.waiting });
    if (counter.wait_minutes !== null) {
      waiting += ` · ${format(labels.ja.wait, { minutes: counter.wait_minutes })}`;
      waitingEn += ` · ${format(labels.en.wait, { minutes: counter.wait_minutes })}`;
    }
    row.querySelector(".waiting").textContent = `${waiting} / ${waitingEn}`;
    row.querySelector(".next").replaceChildren(...counter.next.slice(0, 6).map((ticket) => {
      const item = document.createElement("li");
      item.textContent = ticket;
      return item;
    }));
    return row;
  }));
}

function announce(calls) {
  const fresh = calls.filter((call) => !announced.has(call.call_id));
  fresh.forEach((call) => announced.add(call.call_id));
  if (!primed) { primed = true; return; }
  const base = `/display/${encodeURIComponent(office)}/calls`;
  fresh.slice(0, ANNOUNCE_AT_MOST).reverse().forEach((call) => {
    const id = encodeURIComponent(call.call_id);
    const voices = [`${base}/${id}/ja`, `${base}/${id}/en`];
    voices.forEach((url) => fetch(url).catch(() => {})); // central speaks them while the chime plays
    speech.push("/display/chime.wav", ...voices);
  });
  playNext();
}

const player = new Audio();
player.addEventListener("ended", () => { playing = false; playNext(); });
player.addEventListener("error", () => { playing = false; playNext(); }); // a missing voice: go on

function playNext() {
  if (playing || !speech.length) return;
  playing = true;
  player.src = speech[0];
  player.play().then(() => {
    document.body.dataset.playing = speech.shift(); // what is heard now (and what tests wait for)
  }).catch((error) => {
    playing = false;
    if (error.name === "NotAllowedError") {
      document.getElementById("sound").hidden = false; // the browser wants a touch first (autoplay policy)
    } else {
      speech.shift();
      playNext();
    }
  });
}

document.getElementById("sound").addEventListener("click", (event) => {
  event.currentTarget.hidden = true;
  playNext();
});

function tick() {
  const now = new Date().toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" });
  document.getElementById("clock").textContent = now;
}
tick();
setInterval(tick, 10000);
connect();
