/* Her patterns: charts of stress, energy and sleep over 7, 30 or 90 days, the recovery
   balance, shifts and days off, what seems to go with lower stress, and her monthly
   reflections. All worked out here from decrypted check-ins; nothing is sent anywhere. */
import { dismissInsight, dismissedInsights, listCheckins, listReflections } from "../checkins.js";
import { chartTable, figure, lineChart, longDate, pairBars } from "../charts.js";
import { h } from "../dom.js";
import { keptInstrument } from "../reflection.js";
import {
  addDays, averageOf, dayKey, daysBetween, daysSinceDayOff, gentleInsight, MEASURES, MIN_DAYS_EACH, recoveryBalance,
  seemsToGoWith, series, shiftRun, summariseDays, within,
} from "../trends.js";
import { syncEvents } from "../sync.js";
import { page } from "../ui.js";
import { SCALES } from "./checkin.js";

const PERIODS = [7, 30, 90];
let chosenPeriod = 30;

function describe(measure) {
  return (value) => {
    const word = SCALES[measure].words[Math.round(value) - 1];
    return `${figure(value)} (${word.toLocaleLowerCase()})`;
  };
}

function measureSection(measure, days, today, length) {
  const points = series(days, measure, today, length);
  const { average, days: count } = averageOf(within(days, today, length), measure);
  const name = SCALES[measure].legend;
  const id = `trend-${measure}`;
  const summary = average === null
    ? `No ${name.toLocaleLowerCase()} ratings in the last ${length} days.`
    : `Average ${figure(Math.round(average * 10) / 10)} out of 5, over ${count} ${count === 1 ? "day" : "days"} you rated it.`;
  const words = SCALES[measure].words;
  return h("section", { class: "trend", "aria-labelledby": id, "data-measure": measure },
    h("h2", { id }, name),
    h("p", { class: "trend-summary" }, summary),
    lineChart({
      points, measure, low: `1 ${words[0].toLocaleLowerCase()}`, high: `5 ${words[4].toLocaleLowerCase()}`,
      label: `${name} over the last ${length} days, on a scale of 1 (${words[0].toLocaleLowerCase()}) to 5 (${words[4].toLocaleLowerCase()}). ${summary}`,
    }),
    chartTable({ points, caption: `${name}, last ${length} days`, column: name, describe: describe(measure) }));
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function balanceSection(days, today, length) {
  const { demanding, recovery, days: counted } = recoveryBalance(within(days, today, length));
  const label = `In the last ${length} days: ${plural(demanding, "demanding day", "demanding days")}, `
    + `${plural(recovery, "day", "days")} with something that helped you recover.`;
  return h("section", { class: "card", "aria-labelledby": "balance-title", "data-balance": `${demanding}/${recovery}` },
    h("h2", { id: "balance-title" }, "Recovery balance"),
    h("p", {}, label),
    counted ? pairBars({ label, bars: [
      { kind: "demanding", name: "demanding", value: demanding },
      { kind: "recovery", name: "recovery", value: recovery },
    ] }) : null,
    h("ul", { class: "legend plain-list" },
      h("li", {}, h("span", { class: "key demanding", "aria-hidden": "true" }), "Demanding: stress high or very high, something difficult, or a night shift"),
      h("li", {}, h("span", { class: "key recovery", "aria-hidden": "true" }), "Recovery: a day off, or anything you said helped")));
}

function shiftsSection(days, today) {
  const since = daysSinceDayOff(days, today);
  const run = shiftRun(days);
  const last = since === null ? null : longDate(addDays(today, -since));
  const sinceText = since === null ? "You haven't marked a day off in a check-in yet."
    : since === 0 ? "Today is a day off."
      : `${plural(since, "day", "days")} since the last day off you marked (${last}).`;
  return h("section", { class: "card", "aria-labelledby": "shifts-title" },
    h("h2", { id: "shifts-title" }, "Shifts and days off"),
    h("p", { "data-since-day-off": since ?? "" }, sinceText),
    run.length >= 2
      ? h("p", { "data-shift-run": run.length },
        `Your latest run of shifts: ${run.length} days in a row, ${longDate(run.start)} to ${longDate(run.end)}.`)
      : null,
    h("p", { class: "small" }, "Counted from the days you checked in and said what work was like."));
}

function goesWithSection(days, today) {
  const found = seemsToGoWith(within(days, today, 90));
  const note = h("p", { class: "small" },
    `This shows only when you've rated your stress on at least ${MIN_DAYS_EACH} days with something and ${MIN_DAYS_EACH} without it, in the last 90 days. It is a pattern in your own check-ins, not advice.`);
  return h("section", { class: "card", "aria-labelledby": "goes-with-title" },
    h("h2", { id: "goes-with-title" }, "What seems to go with lower stress"),
    found.length === 0
      ? h("p", { class: "goes-with-none" }, "Nothing to show yet.")
      : h("ul", { class: "goes-with" }, found.map((item) => h("li", { "data-activity": item.activity },
        `Days with ${item.activity} seem to go with lower stress: ${figure(Math.round(item.withAverage * 10) / 10)} on average, `
        + `against ${figure(Math.round(item.withoutAverage * 10) / 10)} on other days `
        + `(${item.daysWith} days with, ${item.daysWithout} without).`))),
    note);
}

function insightCard(insight, refresh) {
  if (!insight) return null;
  const dismiss = h("button", { type: "button", class: "button secondary" }, "Not now");
  const card = h("section", { class: "card insight", "aria-labelledby": "insight-title" },
    h("h2", { id: "insight-title" }, "The last few days sound hard"),
    h("p", {}, `You've had ${insight.days} hard days in a row. Some rest, a word with someone you trust, or asking your supervisor for a chat might help. Only if it feels right.`),
    h("ul", { class: "plain-list nav-list" },
      h("li", {}, h("a", { href: "/support" }, "Get support now")),
      h("li", {}, h("a", { href: "/journal/write?prompt=difficult-steadier" }, "Write about what would help"))),
    h("p", { class: "actions" }, dismiss));
  dismiss.addEventListener("click", async () => {
    await dismissInsight(insight.kind);
    await refresh();
    // The button has gone: focus moves on to the next thing on the page.
    document.querySelector(".trends h2")?.setAttribute("tabindex", "-1");
    document.querySelector(".trends h2")?.focus();
  });
  return card;
}

function reflectionsSection(reflections, today) {
  const last = reflections.at(-1);
  const lastDay = last ? dayKey(new Date(last.at)) : null;
  const every = keptInstrument()?.every_days ?? 30;
  const due = !last || daysBetween(lastDay, today) >= every;
  const invite = !last ? "When you have ten minutes, a monthly reflection looks at how work is sitting with you."
    : `Your last reflection was on ${longDate(lastDay)}.${due ? " Another is there whenever you'd like it." : ""}`;
  const names = [...new Map(reflections.flatMap((r) => r.results).map((r) => [r.id, r.name])).entries()];
  return h("section", { class: "card", "aria-labelledby": "reflections-title" },
    h("h2", { id: "reflections-title" }, "Monthly reflections"),
    h("p", {}, invite),
    reflections.length ? h("div", { class: "table-scroll" }, h("table", { class: "reflections" },
      h("caption", { class: "visually-hidden" }, "Your reflections over time"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "When"),
        names.map(([, name]) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, reflections.map((reflection) => h("tr", {},
        h("th", { scope: "row" }, longDate(dayKey(new Date(reflection.at)))),
        names.map(([id]) => {
          const result = reflection.results.find((r) => r.id === id);
          return h("td", {}, result?.score == null ? "—" : `${result.label} (${result.score} of ${result.highest})`);
        })))))) : null,
    h("p", {}, h("a", { class: "button secondary", href: "/reflection" },
      due ? "Start a reflection" : "Reflect again")),
    h("p", { class: "small" }, "A reflection, not a diagnosis."));
}

/**
 * Everything the page shows below its period choice, drawn from decrypted records (also
 * timed by bench/trends.py). `refresh` redraws after a suggestion is put away.
 */
export function trendsContent({ checkins, reflections, dismissed, today, period, refresh }) {
  // A check-in dated after today (another device's clock or time zone) waits for its day.
  const days = summariseDays(checkins).filter((day) => day.day <= today);
  const unreadable = checkins.filter((c) => c.unreadable).length;
  return [
    insightCard(gentleInsight(days, today, dismissed), refresh),
    days.length === 0 ? h("p", { class: "card" }, "Your patterns appear here once you've checked in. ",
      h("a", { href: "/checkin" }, "Check in now")) : null,
    unreadable ? h("p", { class: "small" }, `${plural(unreadable, "check-in", "check-ins")} couldn't be opened and ${unreadable === 1 ? "is" : "are"} left out.`) : null,
    MEASURES.map((measure) => measureSection(measure, days, today, period)),
    balanceSection(days, today, period),
    shiftsSection(days, today),
    goesWithSection(days, today),
    reflectionsSection(reflections, today),
  ].flat().filter(Boolean);
}

export async function trendsView() {
  const container = h("div", { class: "trends" });
  const periodGroup = h("fieldset", { class: "chip-group periods" },
    h("legend", {}, "Show the last"),
    h("div", { class: "chips" }, PERIODS.map((length) => {
      const id = `period-${length}`;
      const input = h("input", { type: "radio", id, name: "period", value: length, checked: length === chosenPeriod });
      input.addEventListener("change", () => {
        chosenPeriod = length;
        draw();
      });
      return h("span", { class: "chip" }, input, h("label", { for: id }, `${length} days`));
    })));

  async function draw() {
    const [checkins, reflections, dismissed] = await Promise.all([
      listCheckins(), listReflections(), dismissedInsights(),
    ]);
    container.replaceChildren(...trendsContent({
      checkins, reflections, dismissed, today: dayKey(), period: chosenPeriod, refresh: draw,
    }));
  }
  await draw();
  // Check-ins from her other devices arrive by sync: redraw while this page is shown.
  // Not while she is using the page (focus inside it, or a table open): only when idle.
  const onChanged = () => {
    if (!container.isConnected) {
      syncEvents.removeEventListener("changed", onChanged);
    } else if (!container.contains(document.activeElement) && !container.querySelector("details[open]")) {
      draw();
    }
  };
  syncEvents.addEventListener("changed", onChanged);
  return {
    title: "Your patterns",
    content: page("Your patterns",
      h("p", { class: "lead" }, "From your own check-ins, worked out on this device. Only you see this."),
      h("p", {}, h("a", { class: "button", href: "/checkin" }, "Check in")),
      periodGroup,
      container),
  };
}
