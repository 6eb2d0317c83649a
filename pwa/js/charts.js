/* Light inline SVG charts, drawn on the device from decrypted values. Colours come from
   the stylesheet (classes only: the CSP allows no inline styles), so dark mode just works.
   Every chart is one labelled image for screen readers, with a table beside it. */
import { h, s } from "./dom.js";
import { formatDay } from "./ui.js";

const WIDTH = 320;
const HEIGHT = 150;
const LEFT = 30; // room for the scale's numbers
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 24; // room for the first and last dates

// One formatter for every label: making one per call is most of a chart's drawing time.
const SHORT_DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" });

function shortDate(key) {
  const [y, m, d] = key.split("-").map(Number);
  return SHORT_DATE.format(new Date(y, m - 1, d));
}

/** A date as people say it: "Monday 3 November". */
export function longDate(key) {
  return formatDay(key, { weekday: "long" });
}

/** One decimal place, as words do ("3.5"), or a whole number when it is one. */
export function figure(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * A line chart of daily values on a 1–5 scale; days without a value leave a gap.
 * @param {{points: {day: string, value: ?number}[], label: string, low: string,
 *   high: string, measure: string}} options `label` names the chart for screen readers
 */
export function lineChart({ points, label, low, high, measure }) {
  const innerW = WIDTH - LEFT - RIGHT;
  const innerH = HEIGHT - TOP - BOTTOM;
  const x = (i) => LEFT + (points.length === 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (value) => TOP + innerH - ((value - 1) * innerH) / 4;
  const grid = [1, 2, 3, 4, 5].map((value) => [
    s("line", { class: "chart-grid", x1: LEFT, x2: WIDTH - RIGHT, y1: y(value), y2: y(value) }),
    s("text", { class: "chart-axis", x: LEFT - 8, y: y(value) + 4, "text-anchor": "end" }, String(value)),
  ]);
  const runs = [];
  let run = [];
  points.forEach((point, i) => {
    if (point.value === null) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push(`${x(i).toFixed(1)},${y(point.value).toFixed(1)}`);
    }
  });
  if (run.length) runs.push(run);
  const dots = points.map((point, i) => (point.value === null ? null
    : s("circle", { class: "chart-dot", cx: x(i).toFixed(1), cy: y(point.value).toFixed(1),
      r: points.length > 40 ? 2 : 3.5, "data-day": point.day, "data-value": figure(point.value) })));
  return s("svg", {
    class: `chart chart-${measure}`, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img",
    "aria-label": label, focusable: "false",
  },
  s("title", {}, label),
  grid,
  s("text", { class: "chart-axis chart-scale", x: LEFT + 2, y: TOP - 1 }, high),
  s("text", { class: "chart-axis chart-scale", x: LEFT + 2, y: y(1) - 4 }, low),
  runs.map((r) => s("polyline", { class: "chart-line", points: r.join(" ") })),
  dots,
  s("text", { class: "chart-axis", x: LEFT, y: HEIGHT - 6 }, shortDate(points[0].day)),
  s("text", { class: "chart-axis", x: WIDTH - RIGHT, y: HEIGHT - 6, "text-anchor": "end" },
    shortDate(points.at(-1).day)));
}

/**
 * The same values as a table, inside a disclosure: for screen readers, and anyone who
 * prefers numbers. Only days with a value are listed.
 */
export function chartTable({ points, caption, column, describe }) {
  const rows = points.filter((point) => point.value !== null);
  return h("details", { class: "chart-table" },
    h("summary", {}, `${caption} as a table`),
    rows.length === 0 ? h("p", {}, "No check-ins in this time.")
      : h("table", {},
        h("caption", { class: "visually-hidden" }, caption),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Day"), h("th", { scope: "col" }, column))),
        h("tbody", {}, rows.map((point) => h("tr", { "data-day": point.day },
          h("th", { scope: "row" }, longDate(point.day)),
          h("td", {}, describe(point.value)))))));
}

/** Bars to compare (e.g. demanding days against days with recovery), each labelled with
    its number and name, so colour is never the only cue. */
export function pairBars({ label, bars }) {
  const most = Math.max(1, ...bars.map((bar) => bar.value));
  const rowH = 30;
  return s("svg", {
    class: "chart bars", viewBox: `0 0 ${WIDTH} ${bars.length * rowH}`, role: "img",
    "aria-label": label, focusable: "false",
  },
  s("title", {}, label),
  bars.map((bar, i) => [
    s("rect", { class: `bar ${bar.kind}`, x: 0, y: i * rowH + 4, height: 18, rx: 4,
      width: Math.max(2, ((WIDTH - 120) * bar.value) / most).toFixed(1) }),
    s("text", { class: "chart-axis bar-value", y: i * rowH + 18,
      x: (Math.max(2, ((WIDTH - 120) * bar.value) / most) + 6).toFixed(1) }, `${bar.value} ${bar.name}`),
  ]));
}
