/* One shared thing, drawn the same way in the worker's preview and on her supervisor's
   screen: what she sees before she says yes is exactly what they will see. */
import { h } from "../dom.js";
import { KINDS } from "../sharing.js";
import { formatDay } from "../ui.js";
import { SCALES } from "./checkin.js";

const longDay = (key) => formatDay(key, { weekday: "long" });
const DIRECTIONS = { higher: "higher than the week before", lower: "lower than the week before", steady: "about the same as the week before" };

function days(n) {
  return `${n} ${n === 1 ? "day" : "days"}`;
}

function measureLine(measure, value) {
  const { legend, words } = SCALES[measure];
  const moved = value.direction ? `, ${DIRECTIONS[value.direction]}` : "";
  return h("li", {}, h("strong", {}, `${legend}: `), `${words[value.level - 1].toLowerCase()}${moved}`);
}

function summary(content) {
  const lines = ["stress", "energy", "sleep"].filter((m) => content[m]).map((m) => measureLine(m, content[m]));
  const parts = [
    h("p", {}, `The week to ${longDay(content.week_ending)}: checked in on ${days(content.checkin_days)}.`),
    lines.length ? h("ul", { class: "plain-list shared-lines" }, lines) : h("p", {}, "No answers about stress, energy or sleep this week."),
  ];
  if (content.days?.length) {
    parts.push(h("table", { class: "shared-days" },
      h("caption", {}, "Day by day"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Day"),
        ["stress", "energy", "sleep"].map((m) => h("th", { scope: "col" }, SCALES[m].legend)))),
      h("tbody", {}, content.days.map((day) => h("tr", {},
        h("th", { scope: "row" }, longDay(day.day)),
        ["stress", "energy", "sleep"].map((m) => h("td", {}, day[m] ? SCALES[m].words[day[m] - 1] : "—")))))));
  }
  return parts;
}

function recovery(content) {
  const lines = [
    h("li", {}, `Demanding days: ${content.demanding_days}`),
    h("li", {}, `Days with something restoring: ${content.recovery_days}`),
  ];
  if (content.days_since_day_off !== undefined) {
    lines.push(h("li", {}, content.days_since_day_off === 0 ? "A day off today"
      : `Days since a day off: ${content.days_since_day_off}`));
  }
  if (content.shift_run) lines.push(h("li", {}, `Shifts in a row: ${content.shift_run}`));
  return [
    h("p", {}, `The ${content.period_days} days to ${longDay(content.period_ending)}.`),
    h("ul", { class: "plain-list shared-lines" }, lines),
  ];
}

function agenda(content) {
  return [
    content.items?.length
      ? h("ol", { class: "shared-agenda" }, content.items.map((item) => h("li", {}, item)))
      : h("p", {}, "No agenda items."),
    content.reflection ? h("div", { class: "shared-reflection" },
      h("h4", {}, "Reflection"), content.reflection.split("\n").map((line) => h("p", {}, line))) : null,
  ];
}

function entry(content) {
  return [
    h("p", { class: "small" }, `Written on ${longDay(content.written_on)}`),
    content.title ? h("h4", {}, content.title) : null,
    h("div", { class: "shared-body" }, content.body.split("\n").map((line) => h("p", {}, line))),
    content.tags?.length ? h("p", { class: "small" }, content.tags.map((t) => `#${t}`).join(" ")) : null,
  ];
}

const DRAW = { summary, recovery, agenda, entry };

/** A card showing one shared thing; `heading` is its h3 (or h2 where given). */
export function sharedCard(content, { level = "h3", note = null } = {}) {
  return h("article", { class: "card shared" },
    h(level, {}, KINDS[content.kind]),
    note ? h("p", { class: "small" }, note) : null,
    DRAW[content.kind](content));
}
