/* Writing and reading one journal entry. What she writes is kept as a sealed draft on this
   device every few seconds and whenever the app is hidden, so it is never lost; saving
   turns it into an entry. Nothing here needs a connection. */
import { h } from "../dom.js";
import {
  deleteEntry, discardDraft, getEntry, listEntries, loadDraft, saveDraft, saveEntry,
} from "../journal.js";
import { SUGGESTED_TAGS, feelingWords, findPrompt } from "../prompts.js";
import { loadToolkit } from "../toolkit.js";
import { chipGroup, ownWordAdder } from "../chips.js";
import { busy, draftNote, field, formatDateTime, notice, page } from "../ui.js";
import { entryName, go, journalLink, tellJournal, timeLabel } from "./journal.js";

const AUTOSAVE_MS = 3000; // at least this often while she types
const PAUSE_MS = 700; // and whenever she pauses
/**
 * The editor, for a new entry (`entry` null) or a change to one; `draft` resumes writing.
 */
async function editor({ entry = null, draft = null, promptId = null }) {
  const start = draft || entry || {};
  const prompt = findPrompt(start.prompt ?? promptId);
  const draftId = draft?.id || crypto.randomUUID();
  const known = await listEntries().catch(() => []);
  const usedTags = [...new Set(known.flatMap((e) => e.tags || []))];

  const status = notice();
  const title = field({ label: "Title (optional)", name: "title", required: false, maxlength: 200, value: start.title ?? "" });
  const body = field({
    label: prompt ? "Your words" : "What's on your mind?",
    name: "body",
    multiline: true,
    required: false,
    hint: prompt ? prompt.text : "Write as much or as little as you like.",
    value: start.body ?? "",
  });
  body.element.classList.add("entry-body");
  const feelings = chipGroup({
    legend: "How are you feeling? (optional)",
    hint: "Pick any that fit. There are no wrong answers.",
    words: feelingWords(),
    chosen: start.feelings || [],
    name: "feelings",
  });
  const tags = chipGroup({
    legend: "Tags (optional)",
    hint: "Tags help you find things later.",
    words: [...new Set([...SUGGESTED_TAGS, ...usedTags])],
    chosen: start.tags || [],
    name: "tags",
  });
  const kept = draftNote("What you write is kept on this device as you go.");
  const save = h("button", { type: "submit", class: "button" }, "Save entry");
  const form = h("form", { class: "entry-form", novalidate: true },
    status.element,
    title.element,
    body.element,
    feelings.element,
    tags.element,
    ownWordAdder(tags, { label: "Add your own tag", lowercase: true, stripHash: true }),
    kept.element,
    h("div", { class: "button-row" },
      save,
      journalLink(entry ? `/journal/entry?id=${encodeURIComponent(entry.id)}` : "/journal",
        { class: "button secondary" }, "Back")));

  const current = () => ({
    id: draftId,
    entryId: entry?.id ?? null,
    title: title.input.value,
    body: body.input.value,
    tags: tags.values(),
    feelings: feelings.values(),
    prompt: prompt?.id ?? null,
  });

  // Drafts are written one after another, so a late autosave never outlives the entry.
  let dirty = false;
  let timer = null;
  let pause = null;
  let writing = Promise.resolve();
  let finished = false;
  function keepDraft() {
    clearTimeout(timer);
    clearTimeout(pause);
    timer = null;
    if (!dirty || finished) return writing;
    dirty = false;
    const snapshot = current();
    writing = writing.then(() => saveDraft(snapshot)).then(({ savedAt }) => {
      if (!finished) kept.say(`Kept on this device at ${timeLabel(savedAt)}.`, "Kept on this device.");
    }).catch(() => {
      dirty = true;
      kept.say("Your words couldn't be kept just now. Please don't close Tend yet.");
    });
    return writing;
  }
  function changed() {
    dirty = true;
    timer ??= setTimeout(keepDraft, AUTOSAVE_MS);
    clearTimeout(pause);
    pause = setTimeout(keepDraft, PAUSE_MS);
  }
  function onHide() {
    if (!form.isConnected) {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("pagehide", onHide);
      return;
    }
    keepDraft();
  }
  function onVisibility() {
    if (document.visibilityState === "hidden") onHide();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("pagehide", onHide);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    const fields = current();
    if (!fields.body.trim() && !fields.title.trim()) {
      body.setError("There's nothing to save yet. Write a few words first.");
      body.input.focus();
      return;
    }
    try {
      finished = true;
      clearTimeout(timer);
      clearTimeout(pause);
      await busy(save, "Saving…", async () => {
        await writing;
        await saveEntry({
          id: entry?.id, version: entry?.version, title: fields.title, body: fields.body,
          tags: fields.tags, feelings: fields.feelings, prompt: fields.prompt,
        });
        await discardDraft(draftId).catch(() => {});
      });
      tellJournal(entry ? "Your changes are saved." : "Your entry is saved.");
      go("/journal");
    } catch {
      finished = false;
      dirty = true;
      status.error("Your entry couldn't be saved. Your words are still here; please try again.");
    }
  });

  const parts = [];
  if (draft) {
    const fresh = h("button", { type: "button", class: "link-button" },
      entry ? "Let these changes go" : "Start a fresh page instead");
    fresh.addEventListener("click", async () => {
      finished = true;
      clearTimeout(timer);
      clearTimeout(pause);
      await writing;
      await discardDraft(draftId).catch(() => {});
      go(entry ? `/journal/entry?id=${encodeURIComponent(entry.id)}` : "/journal/write", { replace: true });
    });
    parts.push(h("div", { class: "resumed" },
      h("p", {}, "We kept what you were writing."),
      h("p", { class: "small" }, entry ? "These are your unsaved changes to this entry. " : "", fresh)));
  }
  return [...parts, form];
}

function entryDetails(entry) {
  const prompt = findPrompt(entry.prompt);
  const words = [
    entry.feelings?.length ? h("p", {}, h("strong", {}, "Feeling: "), entry.feelings.join(", ")) : null,
    entry.tags?.length ? h("p", {}, h("strong", {}, "Tags: "), entry.tags.join(", ")) : null,
  ];
  return h("article", { class: "entry-read" },
    prompt ? h("p", { class: "prompt-quote" }, prompt.text) : null,
    h("div", { class: "entry-text" }, entry.body),
    ...words,
    h("p", { class: "small" }, `Written ${formatDateTime(entry.createdAt)}`,
      entry.updatedAt && entry.updatedAt !== entry.createdAt ? `, changed ${formatDateTime(entry.updatedAt)}` : ""));
}

async function readView(entry) {
  const status = notice();
  const remove = h("button", { type: "button", class: "button secondary" }, "Delete");
  remove.addEventListener("click", async () => {
    try {
      await busy(remove, "Deleting…", () => deleteEntry(entry.id));
      // A deleted entry is shared with nobody: the server's copy goes too, when online.
      import("../sharing.js").then((sharing) => sharing.stopSharingEntry(entry.id)).catch(() => {});
      tellJournal("Entry deleted.", entry.id);
      go("/journal");
    } catch {
      status.error("This entry couldn't be deleted. Please try again.");
    }
  });
  const back = journalLink("/journal", {}, "Back to your journal");
  if (entry.unreadable) {
    return {
      title: "This entry couldn't be opened",
      content: page("This entry couldn't be opened",
        h("p", {}, "It may have been saved by a newer version of Tend, or damaged on the way. "
          + "The rest of your journal is fine, and updating the app may open it."),
        status.element,
        h("div", { class: "button-row" }, remove),
        h("p", {}, back)),
    };
  }
  const edit = journalLink(`/journal/entry?id=${encodeURIComponent(entry.id)}&edit=1`, { class: "button" }, "Edit");
  const name = entryName(entry);
  return {
    title: "Journal entry",
    content: page(name,
      entry.conflictOf
        ? h("div", { class: "conflict-note" },
          h("p", {}, h("strong", {}, "A second copy. "),
            "This entry was changed on two devices before they could sync, so both versions are kept. "
            + "Keep whichever you like and delete the other."),
          h("p", {}, journalLink(`/journal/entry?id=${encodeURIComponent(entry.conflictOf)}`, {}, "Open the other version")))
        : null,
      status.element,
      entryDetails(entry),
      h("div", { class: "button-row" }, edit, remove),
      h("p", {}, back)),
  };
}

function missing() {
  return {
    title: "Entry not found",
    content: page("We couldn't find that entry",
      h("p", {}, "It may have been deleted, here or on another of your devices."),
      h("p", {}, journalLink("/journal", {}, "Back to your journal"))),
  };
}

/** `/journal/write[?prompt=<id>]` and `/journal/entry?id=<uuid>[&edit=1]`. */
export async function entryView() {
  const view = await chooseView();
  return view;
}

async function chooseView() {
  await loadToolkit(); // the organisation's prompts and feeling words, kept on this device
  const params = new URLSearchParams(location.search);
  const latest = await loadDraft().catch(() => null);
  const hasWords = (draft) => draft && (draft.body?.trim() || draft.title?.trim()
    || draft.tags?.length || draft.feelings?.length);

  if (location.pathname === "/journal/write") {
    const draft = hasWords(latest) && !latest.entryId ? latest : null;
    const content = await editor({ draft, promptId: params.get("prompt") });
    return { title: "Write", content: page("Write", ...content) };
  }

  const id = params.get("id");
  const entry = id ? await getEntry(id).catch(() => null) : null;
  if (!entry) return missing();
  const draft = hasWords(latest) && latest.entryId === entry.id ? latest : null;
  if (!entry.unreadable && (draft || params.get("edit") === "1")) {
    const content = await editor({ entry, draft });
    return { title: "Edit entry", content: page("Edit entry", ...content) };
  }
  return readView(entry);
}
