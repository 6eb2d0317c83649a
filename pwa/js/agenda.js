/* Her supervision agenda and reflection: one sealed record, kept and synced like a journal
   entry, private until she shares it (after a preview) from the Sharing page. */
import { newRecordId } from "./records.js";
import { change, openAll, unlockedKey } from "./vault.js";

const TYPE = "agenda";
export const MAX_ITEMS = 20;
export const ITEM_LIMIT = 300;
export const REFLECTION_LIMIT = 4000;

function agendaOf(record, content) {
  return {
    id: record.id,
    items: Array.isArray(content.items) ? content.items.map(String) : [],
    reflection: String(content.reflection ?? ""),
    updatedAt: String(content.updatedAt ?? record.updatedAt),
  };
}

/** Her agenda ({id: null, items: [], reflection: ""} before she starts one). */
export async function loadAgenda() {
  const found = (await openAll(TYPE, agendaOf)).filter((a) => !a.unreadable);
  // Two devices may each have started one before syncing: the newest wins the page.
  found.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return found[0] ?? { id: null, items: [], reflection: "", updatedAt: null };
}

/** Keep her agenda (no connection needed). */
export async function saveAgenda({ id, items, reflection }) {
  const dataKey = await unlockedKey();
  const content = {
    items: items.map((item) => String(item).trim().slice(0, ITEM_LIMIT)).filter(Boolean).slice(0, MAX_ITEMS),
    reflection: String(reflection ?? "").slice(0, REFLECTION_LIMIT),
    updatedAt: new Date().toISOString(),
  };
  const { record } = await change(dataKey, TYPE, id ?? newRecordId(), () => content);
  return { id: record.id, ...content };
}

/** The agenda as it would be shared: only what a supervisor needs to read. */
export function agendaShare(agenda) {
  const content = { kind: "agenda", items: agenda.items };
  if (agenda.reflection.trim()) content.reflection = agenda.reflection.trim();
  return content;
}

