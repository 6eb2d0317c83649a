/* Organisation figures for admins: how people are, checking in, and supervision, by team
   and month. The server sends only figures that rest on enough people; everything else
   arrives empty, and this page says so in words. Nobody's own answers are ever here. */
import { h } from "../dom.js";
import { get } from "../api.js";
import { page } from "../ui.js";
import { couldNotLoad } from "./admin/common.js";

const MEASURES = [
  { key: "stress", name: "Stress", low: "very low", high: "very high" },
  { key: "energy", name: "Energy", low: "very low", high: "full" },
  { key: "sleep", name: "Sleep", low: "very poor", high: "very good" },
];

const QUESTIONS = [
  { key: "heard", name: "Felt heard" },
  { key: "checked_in", name: "Checked in on me, not on my work" },
  { key: "useful", name: "Useful" },
];

let tableCount = 0;

function monthName(month, style = "short") {
  const [year, number] = month.split("-").map(Number);
  return new Date(year, number - 1, 1).toLocaleDateString("en-GB", { month: style, year: "numeric" });
}

function dayName(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
}

/** One cell's words: the figure, or why there is none. */
function cellText(figure, format, minGroup) {
  if (figure.value === null) {
    return figure.reason ? h("span", { class: "small" }, `Fewer than ${minGroup} people`) : "—";
  }
  return format(figure.value);
}

/** A row's name: the team's, or the whole organisation's (its last row). */
const groupName = (group) => (group.kind === "organisation" ? "Whole organisation" : group.name);

const band = (value) => value.toFixed(1);
const percent = (value) => `${Math.round(value)}%`;

/**
 * A table in a region of its own that scrolls sideways on a small screen (and can be
 * scrolled from the keyboard: the region takes focus).
 * @param {{title: string, caption: string, columns: string[], rows: {name: string,
 *   cells: (Node|string)[]}[]}} options
 * @returns {HTMLElement[]} its heading and the region
 */
function figureTable({ title, caption, columns, rows }) {
  const id = `figures-${++tableCount}`;
  return [
    h("h3", { id }, title),
    h("div", { class: "table-scroll chart-table figures", role: "region", tabindex: "0", "aria-labelledby": id },
      h("table", {},
        h("caption", { class: "visually-hidden" }, caption),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Team"),
          columns.map((column) => h("th", { scope: "col" }, column)))),
        h("tbody", {}, rows.map((row) => h("tr", {},
          h("th", { scope: "row" }, row.name),
          row.cells.map((cell) => h("td", {}, cell))))))),
  ];
}

/** Newest month first: on a phone, the latest figures are the ones in view. */
function byMonth(data, section, key, format) {
  const months = [...data.months].reverse();
  return {
    columns: months.map((month) => monthName(month)),
    rows: data[section].map((row) => {
      const figures = new Map(row.months.map((month) => [month.month, month[key]]));
      return {
        name: groupName(row.group),
        cells: months.map((month) => cellText(figures.get(month), format, data.rule.min_group)),
      };
    }),
  };
}

function section(id, title, ...children) {
  return h("section", { class: "admin-section", "aria-labelledby": id },
    h("h2", { id }, title), ...children);
}

export async function insightsView() {
  let data;
  try {
    data = await get("/api/admin/insights");
  } catch (error) {
    return couldNotLoad({
      title: "Organisation figures", lead: "The figures couldn't open just now.", error,
      view: insightsView,
    });
  }
  const { min_group: minGroup, months: monthCount } = data.rule;
  const first = monthName(data.months[0], "long");
  const last = monthName(data.months.at(-1), "long");
  const [shortWeeks, longWeeks] = data.rule.coverage_days.map((days) => days / 7);

  const wellbeing = MEASURES.map((measure) => figureTable({
    title: measure.name,
    caption: `Average ${measure.name.toLowerCase()} by team and month, from 1 (${measure.low}) `
      + `to 5 (${measure.high}), newest month first`,
    ...byMonth(data, "wellbeing", measure.key, band),
  }));
  const participation = figureTable({
    title: "Checked in at least once",
    caption: "Percentage of people adding their check-ins who checked in at least once, by "
      + "team and month, newest month first",
    ...byMonth(data, "wellbeing", "participation", percent),
  });
  const coverage = figureTable({
    title: "Had supervision recently",
    caption: `Percentage of team members who had supervision in the last ${shortWeeks} and `
      + `${longWeeks} weeks, by team`,
    columns: [`In the last ${shortWeeks} weeks`, `In the last ${longWeeks} weeks`],
    rows: data.coverage.map((row) => ({
      name: groupName(row.group),
      cells: [row.within_4_weeks, row.within_8_weeks].map((f) => cellText(f, percent, minGroup)),
    })),
  });
  const quality = QUESTIONS.map((question) => figureTable({
    title: question.name,
    caption: `Average answer to "${question.name}" by team and month, from 1 (not at all) to 5 `
      + "(very much), newest month first",
    ...byMonth(data, "quality", question.key, band),
  }));

  return {
    title: "Organisation figures",
    content: page("Organisation figures",
      h("p", { class: "lead" }, `Anonymous figures for ${data.organisation}, by team and month.`),
      h("p", { class: "admin-promise" },
        "Nobody's own answers can be seen here, by you or by anyone else. How people are doing "
        + "comes only from people who chose to add their check-ins to the organisation's "
        + "figures, and they can stop at any time."),
      h("p", {}, `A figure shows only when at least ${minGroup} people are behind it; `
        + `otherwise it says "Fewer than ${minGroup} people". Sometimes a team's figure is held `
        + "back too, so that no one's answers could be worked out by taking one figure away "
        + "from another."),
      h("p", {}, `Months run from ${first} to ${last} (the ${monthCount} full months before `
        + "this one), newest first. A month's figures are worked out once, after it ends, and "
        + "then stay as they are. People count in the team they were in when they sent their "
        + "figures; the whole organisation includes people in no team."),
      h("p", {}, h("a", { href: "/admin" }, "Back to Admin")),
      section("insights-wellbeing", "How people are doing",
        h("p", {}, "Average bands from 1 to 5, from the monthly summaries of people who add "
          + "their check-ins. A higher stress figure means more stress."),
        wellbeing),
      section("insights-checking-in", "Checking in",
        h("p", {}, "Of the people who add their check-ins, how many checked in at least once "
          + "that month. Missing days is normal, and taking part is always a choice."),
        participation),
      section("insights-coverage", "Supervision",
        h("p", {}, "Counts everyone in each team now, whether or not they add their check-ins, "
          + `as of ${dayName(data.as_of)}: worked out once a week.`),
        coverage),
      section("insights-quality", "How supervision feels",
        h("p", {}, "Averages of the anonymous three questions people may answer after a "
          + "supervision session, from 1 (not at all) to 5 (very much). Supervisors never see "
          + "anyone's answers."),
        quality)),
  };
}
