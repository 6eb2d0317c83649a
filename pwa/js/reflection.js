/* The monthly reflection: the questionnaire (a data file the server hands out, see
   docs/reflection.md) and its scoring, done here on the device. The server never sees an
   answer or a score: results are sealed like everything else she writes. */
import { get, OfflineError } from "./api.js";

const KEPT = "tend-reflection-instrument";

/**
 * The questionnaire in use: fresh from the server when there is a connection, else the
 * copy kept from last time (it holds no one's answers, so it may be kept as it is).
 * @returns {Promise<object|null>} null when offline and never fetched
 */
export async function loadInstrument() {
  try {
    const instrument = await get("/api/reflection/instrument");
    localStorage.setItem(KEPT, JSON.stringify(instrument));
    return instrument;
  } catch (error) {
    const kept = keptInstrument();
    if (kept) return kept;
    if (error instanceof OfflineError) return null;
    throw error;
  }
}

/** The questionnaire as last fetched, without asking the server (null if never). */
export function keptInstrument() {
  try {
    return JSON.parse(localStorage.getItem(KEPT) ?? "null");
  } catch {
    return null;
  }
}

/** The scale's lowest and highest values. */
function range(instrument) {
  const values = instrument.scale.map((point) => point.value);
  return { lowest: Math.min(...values), highest: Math.max(...values) };
}

/** What an answer counts for: a reversed item counts from the other end of the scale
    (by position, so a scale need not be evenly spaced). */
export function itemValue(instrument, item, answer) {
  if (!item.reversed) return answer;
  const values = instrument.scale.map((point) => point.value);
  return values[values.length - 1 - values.indexOf(answer)];
}

/**
 * Each subscale's sum and band. A subscale with any item unanswered is not scored (a
 * partial sum would read as lower than it is): its score is null.
 * @param {object} instrument
 * @param {Record<string, number>} answers item id → a value on the scale
 * @returns {{id, name, technicalName, score: ?number, lowest, highest, band: ?{label, text},
 *   answered: number, items: number}[]}
 */
export function scoreReflection(instrument, answers) {
  const { lowest, highest } = range(instrument);
  const allowed = new Set(instrument.scale.map((point) => point.value));
  return instrument.subscales.map((subscale) => {
    const items = instrument.items.filter((item) => item.subscale === subscale.id);
    const given = items.filter((item) => allowed.has(answers[item.id]));
    const score = given.length === items.length
      ? given.reduce((sum, item) => sum + itemValue(instrument, item, answers[item.id]), 0)
      : null;
    const band = score === null ? null : subscale.bands.find((b) => score <= b.up_to) ?? null;
    return {
      id: subscale.id,
      name: subscale.name,
      technicalName: subscale.technical_name ?? "",
      score,
      lowest: lowest * items.length,
      highest: highest * items.length,
      band: band && { label: band.label, text: band.text },
      answered: given.length,
      items: items.length,
    };
  });
}
