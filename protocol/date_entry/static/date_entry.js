// Madoguchi date entry (kiosk and pre-entry page): shows the date in the other calendar (和暦 or 西暦) as its
// parts are chosen. Display only: the server puts the parts together and refuses days that do not exist.
// The era table comes from the entry's data-eras (protocol/date_entry), so it is written in one place.
(function () {
  "use strict";
  const pad = function (number) { return String(number).padStart(2, "0"); };
  document.querySelectorAll("[data-date-entry]").forEach(function (entry) {
    const eras = JSON.parse(entry.dataset.eras).map(function (item) {
      return { name: item[0], start: item[1], year: Number(item[1].slice(0, 4)) };
    });
    const parts = entry.querySelectorAll("select, input");
    const shown = entry.querySelector("[data-date-shown]");
    const update = function () {
      const year = Number(parts[1].value);
      const month = Number(parts[2].value);
      const day = Number(parts[3].value);
      if (!year || !month || !day) { shown.textContent = ""; return; }
      const chosen = eras.find(function (item) { return item.name === parts[0].value; });
      const western = chosen ? chosen.year + year - 1 : year;
      const iso = String(western).padStart(4, "0") + "-" + pad(month) + "-" + pad(day);
      const current = eras.find(function (item) { return iso >= item.start; });
      const inEra = current ? western - current.year + 1 : 0;
      const wareki = current ? current.name + (inEra === 1 ? "元" : inEra) + "年" : "";
      shown.textContent = (wareki ? wareki + month + "月" + day + "日 = " : "") + western + "年" + month + "月" + day + "日";
    };
    parts.forEach(function (part) { part.addEventListener("input", update); part.addEventListener("change", update); });
    update();
  });
})();
