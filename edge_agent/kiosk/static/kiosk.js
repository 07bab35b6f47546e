// Madoguchi kiosk: the idle timer that wipes the session, and the on-screen PIN pad.
// Never reads, stores or sends anything the citizen entered except by submitting the page's own form.
(function () {
  "use strict";
  const idleSeconds = Number(document.body.dataset.idle || 0);
  const idleForm = document.getElementById("idle-form");
  if (idleSeconds > 0 && idleForm) {
    let timer = 0;
    const arm = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { idleForm.submit(); }, idleSeconds * 1000);
    };
    ["pointerdown", "keydown", "input"].forEach(function (name) {
      document.addEventListener(name, arm, { passive: true });
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
})();
