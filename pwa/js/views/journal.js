/* The journal: her entries by day, found by words or tags on this device only, a way in
   through a prompt, and a quiet word about anything still waiting to sync. */
import { h } from "../dom.js";
import { listEntries, loadDraft, restoreEntry, searchEntries } from "../journal.js";
import { findPrompt, moments } from "../prompts.js";
import { navigate } from "../router.js";
import { pendingCount, syncEvents } from "../sync.js";
import { loadToolkit } from "../toolkit.js";
import { field, notice, page, whenShown } from "../ui.js";

const UNDO_SECONDS = 10;
let news = null;

/** Open an app path that may carry a query (the router's own links keep only the path). */
export function go(url, { replace = false } = {}) {
  return navigate(url, { replace });
}

/** A link within the journal (the router keeps its query string). */
export function journalLink(href, props, ...children) {
  return h("a", { ...props, href }, ...children);
}

/** Something to say on the list when it next opens: `{message, undoId?}`. */
export function tellJournal(message, undoId = null) {
  news = { message, undoId };
}

function localDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** "Today", "Yesterday", or "Monday 16 November" (with the year when it isn't this one). */
export function dayLabel(iso, now = new Date()) {
  const date = new Date(iso);
  const days = Math.round((localDay(now) - localDay(date)) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return new Intl.DateTimeFormat("en-GB", {
    weekday: "long", day: "numeric", month: "long",
    year: date.getFullYear() === now.getFullYear() ? undefined : "numeric",
  }).format(date);
}

export function timeLabel(iso) {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** What an entry is called in a list: her title, else its prompt, else its first words. */
export function entryName(entry) {
  if (entry.title?.trim()) return entry.title.trim();
  const prompt = findPrompt(entry.prompt);
  if (prompt) return prompt.text;
  const firstLine = (entry.body || "").trim().split("\n")[0];
  return firstLine ? shorten(firstLine, 60) : "Untitled entry";
}

function shorten(text, length) {
  return text.length > length ? `${text.slice(0, length).trimEnd()}…` : text;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** The quiet line about sync: nothing at all when everything is synced. Its words are kept
    short enough to sit beside the Write button in two lines on a 360 px phone. */
function syncIndicator() {
  // The line comes and goes inside a status region that is always there, so what it says
  // is announced (a region shown together with its words often isn't).
  const line = h("p", { class: "sync-note small", hidden: true });
  const region = h("div", { class: "sync-status", role: "status" }, line);
  // What the server said when it refused changes (a full space, an entry too large):
  // shown until nothing is waiting, so she knows before anything could be lost.
  let refusal = null;
  function show({ pending = 0, lastError = null } = {}) {
    if (!pending) {
      refusal = null;
      line.hidden = true;
      line.replaceChildren();
      return;
    }
    line.hidden = false;
    if (refusal) {
      line.textContent = refusal;
    } else if (!navigator.onLine) {
      line.textContent = "Saved here; will sync when online.";
    } else if (lastError) {
      line.textContent = "Saved here; will try again soon.";
    } else {
      line.textContent = `${plural(pending, "change", "changes")} waiting to sync.`;
    }
  }
  function onStatus(event) {
    if (!region.isConnected) {
      syncEvents.removeEventListener("status", onStatus);
      syncEvents.removeEventListener("error", onRefusal);
      return;
    }
    show(event.detail);
  }
  function onRefusal(event) {
    refusal = event.detail.message;
    Promise.resolve(pendingCount()).then((pending) => show({ pending })).catch(() => {});
  }
  syncEvents.addEventListener("status", onStatus);
  syncEvents.addEventListener("error", onRefusal);
  Promise.resolve(pendingCount()).then((pending) => show({ pending })).catch(() => {});
  return region;
}

function promptPicker() {
  return h("details", { class: "prompt-picker" },
    h("summary", {}, "Start from a prompt"),
    h("p", { class: "small" }, "If a blank page feels like a lot, pick a moment. A prompt is only a starting point."),
    moments().map((moment) => h("details", { class: "moment" },
      h("summary", {}, moment.title),
      h("ul", { class: "plain-list prompt-list" },
        moment.prompts.map((prompt) => h("li", {},
          journalLink(`/journal/write?prompt=${encodeURIComponent(prompt.id)}`, {}, prompt.text)))))));
}

function entryItem(entry) {
  if (entry.unreadable) {
    return h("li", { class: "entry-item unreadable" },
      journalLink(`/journal/entry?id=${encodeURIComponent(entry.id)}`, { class: "entry-link" },
        h("span", { class: "entry-title" }, "This entry couldn't be opened"),
        h("span", { class: "small" }, "The rest of your journal is fine.")));
  }
  const snippet = (entry.body || "").trim().replace(/\s+/g, " ");
  return h("li", { class: entry.conflictOf ? "entry-item conflict" : "entry-item" },
    journalLink(`/journal/entry?id=${encodeURIComponent(entry.id)}`, { class: "entry-link" },
      // Spaces between the parts keep the link's spoken name readable.
      ...[
        entry.conflictOf ? h("span", { class: "badge" }, "Second copy") : null,
        h("span", { class: "entry-title" }, entryName(entry)),
        snippet && entry.title?.trim() ? h("span", { class: "entry-snippet" }, shorten(snippet, 120)) : null,
        h("span", { class: "small entry-meta" },
          [timeLabel(entry.createdAt), ...entry.feelings, ...entry.tags.map((tag) => `#${tag}`)].join(" · ")),
        entry.conflictOf
          ? h("span", { class: "small" }, "Changed on two devices before they could sync, so both versions are kept.")
          : null,
      ].filter(Boolean).flatMap((part) => [part, " "])));
}

function groupByDay(entries) {
  const groups = new Map();
  for (const entry of entries) {
    const label = dayLabel(entry.createdAt || entry.updatedAt || Date.now());
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(entry);
  }
  return groups;
}

function newsNotice(onRestored) {
  const status = notice();
  const element = h("div", { class: "journal-news" }, status.element);
  if (!news) return element;
  const { message, undoId } = news;
  news = null;
  // Said once the page is shown, its live region with it, so that the words are announced.
  whenShown(status.element, () => {
    status.info(message);
    if (!undoId) return;
    const undo = h("button", { type: "button", class: "button secondary small-button" }, "Undo");
    undo.addEventListener("click", async () => {
      undo.disabled = true;
      try {
        await restoreEntry(undoId);
        status.info("Your entry is back.");
        // The message replaces Undo: focus goes to the entry that came back.
        await onRestored(undoId);
      } catch {
        status.error("That entry couldn't be brought back. Please try again.");
      }
      // Undo is gone with the old message: if focus went with it, the page's heading has it.
      if (!undo.isConnected && document.activeElement === document.body) {
        element.closest("section")?.querySelector("h1")?.focus();
      }
    });
    status.element.querySelector("[role=status] p")?.append(" ", undo);
    const expire = () => {
      if (undo.matches(":focus")) setTimeout(expire, 2000);
      else undo.remove();
    };
    setTimeout(expire, UNDO_SECONDS * 1000);
  });
  return element;
}

export async function journalView() {
  await loadToolkit(); // the organisation's own prompts join Tend's in the picker
  const status = h("p", { class: "visually-hidden", role: "status" });
  const listArea = h("div", { class: "entry-groups" });
  const tagArea = h("div", { class: "tag-filter", role: "group", "aria-labelledby": "tag-filter-label", hidden: true });
  const search = field({
    label: "Search your journal",
    name: "journal-search",
    type: "search",
    required: false,
    hint: "Search happens only on this device. What you type here isn't sent anywhere.",
  });
  search.input.setAttribute("autocomplete", "off");
  search.input.setAttribute("enterkeyhint", "search");
  const chosenTags = new Set();
  let entries = [];

  function show() {
    const query = search.input.value.trim();
    let shown = query ? searchEntries(query, entries) : entries;
    if (chosenTags.size) shown = shown.filter((entry) => [...chosenTags].every((tag) => entry.tags?.includes(tag)));
    const filtering = Boolean(query || chosenTags.size);
    if (!entries.length) {
      listArea.replaceChildren(h("p", { class: "empty" },
        "Nothing here yet, and that's fine. When you're ready, write a few lines, or start from a prompt."));
    } else if (!shown.length) {
      listArea.replaceChildren(h("p", { class: "empty" }, "No entries match. Try other words, or clear the tags."));
    } else {
      listArea.replaceChildren(...[...groupByDay(shown)].map(([label, group], index) => h("section", {
        class: "entry-day", "aria-labelledby": `day-${index}`,
      }, h("h2", { id: `day-${index}` }, label), h("ul", { class: "entry-list" }, group.map(entryItem)))));
    }
    status.textContent = filtering ? `${plural(shown.length, "entry", "entries")} found.` : "";
  }

  function showTags() {
    const tags = [...new Set(entries.flatMap((entry) => entry.tags || []))].sort((a, b) => a.localeCompare(b));
    for (const tag of chosenTags) if (!tags.includes(tag)) chosenTags.delete(tag);
    tagArea.hidden = !tags.length;
    tagArea.replaceChildren(
      h("p", { class: "small", id: "tag-filter-label" }, "Show only entries tagged:"),
      h("div", { class: "chips" }, tags.map((tag) => h("button", {
        type: "button",
        class: "chip-toggle",
        "aria-pressed": String(chosenTags.has(tag)),
        onclick: (event) => {
          if (chosenTags.has(tag)) chosenTags.delete(tag);
          else chosenTags.add(tag);
          event.currentTarget.setAttribute("aria-pressed", String(chosenTags.has(tag)));
          show();
        },
      }, tag))));
  }

  async function load() {
    entries = await listEntries();
    showTags();
    show();
  }

  search.input.addEventListener("input", show);
  const listNews = newsNotice(async (id) => {
    await load();
    listArea.querySelector(`a[href="/journal/entry?id=${encodeURIComponent(id)}"]`)?.focus();
  });
  const problem = notice();
  try {
    await load();
  } catch {
    problem.error("Your journal couldn't be opened just now. Please try again in a moment.");
  }
  function onChanged() {
    if (!listArea.isConnected) {
      syncEvents.removeEventListener("changed", onChanged);
      syncEvents.removeEventListener("conflict", onChanged);
      return;
    }
    load().catch(() => {});
  }
  syncEvents.addEventListener("changed", onChanged);
  syncEvents.addEventListener("conflict", onChanged);

  const draft = await loadDraft().catch(() => null);
  const resume = draft && (draft.body?.trim() || draft.title?.trim())
    ? h("p", { class: "resume" }, journalLink(
      draft.entryId ? `/journal/entry?id=${encodeURIComponent(draft.entryId)}` : "/journal/write",
      {}, "Carry on with what you were writing"))
    : null;

  return {
    title: "Your journal",
    content: page("Your journal",
      h("p", { class: "lead" }, "A private place to write. Only you can read what's here."),
      listNews,
      problem.element,
      h("div", { class: "journal-actions" },
        journalLink("/journal/write", { class: "button" }, "Write"),
        syncIndicator()),
      resume,
      promptPicker(),
      search.element,
      tagArea,
      status,
      listArea),
  };
}
