// The congestion page, live: each office's waiting count and expected wait, redrawn from Server-Sent Events.
"use strict";

const lang = document.body.dataset.lang;
const labels = JSON.parse(document.getElementById("labels").textContent);
let source = null;
let heardAt = Date.now();

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
}

function render(offices) {
  const template = document.getElementById("office-card");
  const section = document.getElementById("offices");
  if (!offices.length) return; // keep the "no information yet" line
  section.replaceChildren(...offices.map((office) => {
    const card = template.content.firstElementChild.cloneNode(true);
    card.dataset.office = office.office_id;
    card.querySelector("h2").textContent = office.office_id;
    const wait = office.wait_minutes === null ? labels.unknown : format(labels.wait, { minutes: office.wait_minutes });
    card.querySelector(".total").textContent = `${format(labels.waiting, { count: office.waiting })} · ${wait}`;
    card.querySelector(".counters").replaceChildren(...office.counters.map((counter) => {
      const item = document.createElement("li");
      item.dataset.counter = counter.counter;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = counter.name;
      const figures = document.createElement("span");
      figures.className = "figures";
      figures.textContent = format(labels.waiting, { count: counter.waiting }) +
        (counter.wait_minutes === null ? "" : ` · ${format(labels.about, { minutes: counter.wait_minutes })}`);
      item.append(name, " ", figures);
      return item;
    }));
    return card;
  }));
}

function connect() {
  if (source) source.close();
  heardAt = Date.now();
  source = new EventSource(`/congestion/events?lang=${encodeURIComponent(lang)}`);
  const link = document.getElementById("link");
  source.addEventListener("open", () => { link.hidden = true; });
  source.addEventListener("ping", () => { heardAt = Date.now(); });
  source.addEventListener("offices", (event) => {
    heardAt = Date.now();
    link.hidden = true;
    render(JSON.parse(event.data));
  });
  source.addEventListener("error", () => {
    link.hidden = false;
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
  });
}

setInterval(() => { if (Date.now() - heardAt > 50000) connect(); }, 5000);
connect();
