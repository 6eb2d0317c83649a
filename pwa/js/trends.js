/* Patterns in her check-ins, worked out on the device from decrypted check-ins: nothing
   here touches the network or storage, so every function can be tested on its own.

   Days are local calendar days as "YYYY-MM-DD" keys (a check-in records its own day). A
   day with several check-ins counts once: the mean of each scale, every activity, any
   difficulty, and each work context given. Scales run 1 (lowest) to 5 (highest). */

export const SCALE = Object.freeze([1, 2, 3, 4, 5]);
export const MEASURES = Object.freeze(["stress", "energy", "sleep"]);
/** Work contexts that are part of a shift (sleeping in at the home counts). */
export const SHIFT_CONTEXTS = Object.freeze(["on-shift", "after-shift", "night-shift", "sleep-in"]);
export const DAY_OFF = "day-off";
/** "Seems to go with" needs at least this many days with an activity, and without it. */
export const MIN_DAYS_EACH = 5;
/** …and a difference in average stress at least this big, so noise is not reported. */
export const MIN_DIFFERENCE = 0.5;
/** A hard day: stress this high or more, or something difficult happened. */
export const HARD_STRESS = 4;
/** A quiet suggestion after this many hard days in a row… */
export const HARD_RUN = 3;
/** …not shown again for this many days once she has dismissed it. */
export const QUIET_DAYS = 7;

// ── calendar days ──────────────────────────────────────────────────────────────────────

/** The local calendar day of a Date, as "YYYY-MM-DD". */
export function dayKey(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function utc(key) {
  const [y, m, d] = key.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
}

/** The day `n` days after `key` (before, if negative). */
export function addDays(key, n) {
  return new Date(utc(key) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a, b) {
  return Math.round((utc(b) - utc(a)) / 86_400_000);
}

/** The `length` days ending on `end`, oldest first. */
export function daysEnding(end, length) {
  return Array.from({ length }, (_, i) => addDays(end, i - length + 1));
}

// ── days from check-ins ────────────────────────────────────────────────────────────────

function mean(values) {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function onScale(value) {
  return SCALE.includes(value) ? value : null;
}

/**
 * One summary per day she checked in, oldest first.
 * @param {object[]} checkins {day, stress, energy, sleep, helped, context, difficult}
 * @returns {{day: string, stress: ?number, energy: ?number, sleep: ?number,
 *   helped: Set<string>, contexts: Set<string>, difficult: boolean, count: number}[]}
 */
export function summariseDays(checkins) {
  const byDay = new Map();
  for (const checkin of checkins) {
    if (checkin.unreadable || !/^\d{4}-\d{2}-\d{2}$/.test(checkin.day ?? "")) continue;
    let day = byDay.get(checkin.day);
    if (!day) {
      day = { day: checkin.day, values: { stress: [], energy: [], sleep: [] },
        helped: new Set(), contexts: new Set(), difficult: false, count: 0 };
      byDay.set(checkin.day, day);
    }
    day.count += 1;
    for (const measure of MEASURES) {
      const value = onScale(checkin[measure]);
      if (value !== null) day.values[measure].push(value);
    }
    for (const activity of checkin.helped ?? []) day.helped.add(activity);
    if (checkin.context) day.contexts.add(checkin.context);
    day.difficult ||= Boolean(checkin.difficult);
  }
  return [...byDay.values()]
    .sort((a, b) => a.day.localeCompare(b.day))
    .map(({ values, ...day }) => ({
      ...day,
      stress: mean(values.stress),
      energy: mean(values.energy),
      sleep: mean(values.sleep),
    }));
}

/** Each of the `length` days ending on `end` with that day's `measure`, or null. */
export function series(days, measure, end, length) {
  const byDay = new Map(days.map((day) => [day.day, day]));
  return daysEnding(end, length).map((key) => ({ day: key, value: byDay.get(key)?.[measure] ?? null }));
}

/** The days (of `days`) that fall in the `length` days ending on `end`. */
export function within(days, end, length) {
  const start = addDays(end, -length + 1);
  return days.filter((day) => day.day >= start && day.day <= end);
}

/** The mean of a measure over the days that have it, with how many did. */
export function averageOf(days, measure) {
  const values = days.map((day) => day[measure]).filter((value) => value !== null);
  return { average: mean(values), days: values.length };
}

// ── recovery balance, shifts and days off ──────────────────────────────────────────────

function isDemanding(day) {
  return (day.stress !== null && day.stress >= HARD_STRESS) || day.difficult
    || day.contexts.has("night-shift");
}

function isRecovery(day) {
  return day.contexts.has(DAY_OFF) || day.helped.size > 0;
}

/**
 * Demanding days (stress 4 or more, something difficult, or a night shift) set against
 * days with recovery (a day off, or anything that helped), over the given days.
 */
export function recoveryBalance(days) {
  return {
    demanding: days.filter(isDemanding).length,
    recovery: days.filter(isRecovery).length,
    days: days.length,
  };
}

/** Days since her last day off (0: today is one), or null if she has not marked one. */
export function daysSinceDayOff(days, today) {
  const last = days.filter((day) => day.contexts.has(DAY_OFF) && day.day <= today).at(-1);
  return last ? daysBetween(last.day, today) : null;
}

function isShift(day) {
  return !day.contexts.has(DAY_OFF) && SHIFT_CONTEXTS.some((c) => day.contexts.has(c));
}

/**
 * Her latest run of shift days in a row: counted back from the last day she checked in,
 * while each day before it was a shift too. A day without a check-in ends the run: Tend
 * only counts what she told it. {length: 0} when her last check-in was not on a shift.
 */
export function shiftRun(days) {
  const last = days.at(-1);
  if (!last || !isShift(last)) return { length: 0, start: null, end: null };
  let length = 1;
  for (let i = days.length - 2; i >= 0; i -= 1) {
    if (daysBetween(days[i].day, days[i + 1].day) !== 1 || !isShift(days[i])) break;
    length += 1;
  }
  return { length, start: addDays(last.day, -length + 1), end: last.day };
}

// ── what seems to go with lower stress ─────────────────────────────────────────────────

/**
 * Activities whose days seem to go with lower stress: only where there are at least
 * MIN_DAYS_EACH days with the activity and as many without (among days with a stress
 * rating), and the averages differ by MIN_DIFFERENCE or more. Largest difference first.
 * A pattern in her own notes, not a cause and not advice.
 */
export function seemsToGoWith(days, minEach = MIN_DAYS_EACH) {
  const rated = days.filter((day) => day.stress !== null);
  const activities = new Set(rated.flatMap((day) => [...day.helped]));
  const found = [];
  for (const activity of activities) {
    const withIt = rated.filter((day) => day.helped.has(activity)).map((day) => day.stress);
    const without = rated.filter((day) => !day.helped.has(activity)).map((day) => day.stress);
    if (withIt.length < minEach || without.length < minEach) continue;
    const difference = mean(without) - mean(withIt);
    if (difference >= MIN_DIFFERENCE - 1e-9) { // 2.3 − 1.8 is 0.4999… in floating point
      found.push({ activity, withAverage: mean(withIt), withoutAverage: mean(without),
        daysWith: withIt.length, daysWithout: without.length, difference });
    }
  }
  return found.sort((a, b) => b.difference - a.difference || a.activity.localeCompare(b.activity));
}

// ── gentle insights ────────────────────────────────────────────────────────────────────

function isHard(day) {
  return (day.stress !== null && day.stress >= HARD_STRESS) || day.difficult;
}

/** Hard days in a row, ending today or yesterday (an older run is not news). */
export function hardRun(days, today) {
  const last = days.at(-1);
  if (!last || daysBetween(last.day, today) > 1 || !isHard(last)) return 0;
  let length = 1;
  for (let i = days.length - 2; i >= 0; i -= 1) {
    if (daysBetween(days[i].day, days[i + 1].day) !== 1 || !isHard(days[i])) break;
    length += 1;
  }
  return length;
}

/**
 * A quiet suggestion, or null: after HARD_RUN hard days in a row, unless she dismissed
 * that suggestion in the last QUIET_DAYS days.
 * @param {{kind: string, day: string}[]} dismissed
 */
export function gentleInsight(days, today, dismissed = []) {
  const run = hardRun(days, today);
  if (run < HARD_RUN) return null;
  const quiet = dismissed.some((d) => d.kind === "hard-days"
    && daysBetween(d.day, today) >= 0 && daysBetween(d.day, today) < QUIET_DAYS);
  return quiet ? null : { kind: "hard-days", days: run };
}
