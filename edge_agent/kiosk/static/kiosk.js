// Madoguchi kiosk: the idle timer (a warning with a countdown, then the wipe), the on-screen PIN pad and
// keyboard (the date entry's script is protocol/date_entry's). Never reads, stores or sends anything the
// citizen entered except by submitting the page's own form, or the kana being converted to /kiosk/convert.
(function () {
  "use strict";
  const post = function (url, body) {
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" });
  };

  // Idle: warn (with "continue") for the last seconds, then wipe the session.
  const idleSeconds = Number(document.body.dataset.idle || 0);
  const idleForm = document.getElementById("idle-form");
  const warning = document.getElementById("idle-warning");
  if (idleSeconds > 0 && idleForm && warning) {
    const warnSeconds = Math.max(1, Math.min(30, Math.floor(idleSeconds / 3)));
    const text = document.getElementById("idle-text");
    let timer = 0;
    let ticker = 0;
    const countdown = function (left) {
      text.textContent = text.dataset.message.replace("%(seconds)s", String(left));
      if (left <= 0) { idleForm.submit(); return; }
      ticker = window.setTimeout(function () { countdown(left - 1); }, 1000);
    };
    const arm = function () {
      window.clearTimeout(timer);
      window.clearTimeout(ticker);
      warning.hidden = true;
      timer = window.setTimeout(function () {
        warning.hidden = false;
        document.getElementById("idle-continue").focus();
        countdown(warnSeconds);
      }, (idleSeconds - warnSeconds) * 1000);
    };
    document.getElementById("idle-continue").addEventListener("click", function () {
      post("/kiosk/touch").then(arm);
    });
    ["pointerdown", "keydown", "input"].forEach(function (name) {
      document.addEventListener(name, function () { if (warning.hidden) { arm(); } }, { passive: true });
    });
    arm();
  }

  document.querySelectorAll("[data-pin-target]").forEach(function (pad) {
    const field = document.getElementById(pad.dataset.pinTarget);
    pad.addEventListener("click", function (event) {
      const key = event.target.closest("button[data-key]");
      if (!key || !field) { return; }
      if (key.dataset.key === "clear") { field.value = ""; }
      else if (key.dataset.key === "back") { field.value = field.value.slice(0, -1); }
      else if (field.value.length < (field.maxLength > 0 ? field.maxLength : 8)) { field.value += key.dataset.key; }
    });
  });

  // On-screen keyboard.
  const VOICED = { "か": "が", "き": "ぎ", "く": "ぐ", "け": "げ", "こ": "ご", "さ": "ざ", "し": "じ", "す": "ず",
    "せ": "ぜ", "そ": "ぞ", "た": "だ", "ち": "ぢ", "つ": "づ", "て": "で", "と": "ど", "は": "ば", "ひ": "び",
    "ふ": "ぶ", "へ": "べ", "ほ": "ぼ", "ば": "ぱ", "び": "ぴ", "ぶ": "ぷ", "べ": "ぺ", "ぼ": "ぽ", "う": "ゔ" };
  const SMALL = { "あ": "ぁ", "い": "ぃ", "う": "ぅ", "え": "ぇ", "お": "ぉ", "つ": "っ", "や": "ゃ", "ゆ": "ゅ",
    "よ": "ょ", "わ": "ゎ" };
  const cycle = function (table, character) {  // か→が, は→ば→ぱ→は, つ→っ→つ
    if (table[character]) { return table[character]; }
    let base = character;
    let plain = null;
    while ((plain = Object.keys(table).find(function (key) { return table[key] === base; }))) { base = plain; }
    return base;
  };
  const panel = document.querySelector("[data-keyboard-panel]");
  if (panel) {
    const fields = Array.from(document.querySelectorAll("[data-keyboard]"));
    const candidates = panel.querySelector("[data-candidates]");
    let field = fields[0] || null;
    let pending = "";
    const show = function (layout) {
      panel.querySelectorAll("[data-keys]").forEach(function (keys) { keys.hidden = keys.dataset.keys !== layout; });
      panel.querySelectorAll("[data-layout]").forEach(function (tab) {
        tab.setAttribute("aria-selected", String(tab.dataset.layout === layout));
      });
    };
    const choose = function (target) {
      field = target;
      pending = "";
      candidates.replaceChildren();
      show(target.dataset.keyboard);
    };
    fields.forEach(function (target) {
      target.addEventListener("focus", function () { if (target !== field) { choose(target); } });
    });
    if (field) { show(field.dataset.keyboard); }
    const change = function (value) {
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    };
    const convert = function () {
      if (!pending || panel.dataset.convert !== "on") { return; }
      const body = new FormData();
      body.append("reading", pending);
      post("/kiosk/convert", body).then(function (answer) { return answer.json(); }).then(function (found) {
        candidates.replaceChildren();
        found.candidates.forEach(function (word) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = word;
          button.addEventListener("click", function () {
            const start = field.value.length - pending.length;
            change(field.value.slice(0, start) + word + pending.slice(found.length));
            pending = pending.slice(found.length);
            candidates.replaceChildren();
          });
          candidates.appendChild(button);
        });
      });
    };
    panel.addEventListener("click", function (event) {
      const tab = event.target.closest("[data-layout]");
      if (tab) { show(tab.dataset.layout); return; }
      const key = event.target.closest("button[data-key]");
      if (!key || !field) { return; }
      const name = key.dataset.key;
      const last = field.value.slice(-1);
      if (name === "convert") { convert(); return; }
      if (name === "clear") { change(""); pending = ""; }
      else if (name === "back") { change(field.value.slice(0, -1)); pending = pending.slice(0, -1); }
      else if (name === "voiced" || name === "small") {
        const next = cycle(name === "voiced" ? VOICED : SMALL, last);
        change(field.value.slice(0, -1) + next);
        if (pending) { pending = pending.slice(0, -1) + next; }
      } else {
        change(field.value + name);
        pending = /^[ぁ-ゖー]$/.test(name) ? pending + name : "";
      }
      candidates.replaceChildren();
      field.focus({ preventScroll: true });
    });
  }
})();
