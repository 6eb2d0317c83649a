/* Guided prompts for the journal, in Tend's own words, grouped by the moment they suit;
   the tags and feeling words offered when writing. A prompt's id is stored with an entry
   and may appear in a link (/journal/write?prompt=<id>): it never carries personal text.

   An organisation can add prompts and feeling words of its own (toolkit.js hands them
   here): they are offered after Tend's, and a prompt it has retired is offered no more
   but still shows with any entry written from it. */

/** Moments, each with a few prompts. Every prompt is optional and can be ignored. */
export const MOMENTS = Object.freeze([
  {
    id: "after-shift",
    title: "After a shift",
    prompts: [
      { id: "shift-still-with-you", text: "What's one moment from this shift that's still with you?" },
      { id: "shift-carried", text: "What did you carry for someone else today? Is there anything you can put down now?" },
      { id: "shift-body", text: "Where do you notice today in your body? Your shoulders, your jaw, your stomach?" },
      { id: "shift-helped", text: "Who or what helped today, even a little?" },
      { id: "shift-next-hour", text: "What do you need in the next hour?" },
    ],
  },
  {
    id: "after-difficult",
    title: "After something difficult",
    prompts: [
      { id: "difficult-what-happened", text: "You don't have to write it all. What happened, in as few or as many words as feel right?" },
      { id: "difficult-noticing", text: "What are you noticing in yourself right now: thoughts, feelings, your body?" },
      { id: "difficult-kept-safe", text: "What did you do to keep people safe, including yourself?" },
      { id: "difficult-talk", text: "Is there someone you'd like to talk this through with? What would you want them to know?" },
      { id: "difficult-steadier", text: "What would help you feel a little steadier tonight?" },
    ],
  },
  {
    id: "before-supervision",
    title: "Before supervision",
    prompts: [
      { id: "supervision-bring", text: "What would you like to bring to supervision this time?" },
      { id: "supervision-unsaid", text: "Is something sitting with you that you haven't had the space to say yet?" },
      { id: "supervision-going-well", text: "What's been going well in your work that deserves a mention?" },
      { id: "supervision-support", text: "What support would make the biggest difference right now?" },
      { id: "supervision-honestly", text: "How are you, honestly? Not the work, you." },
    ],
  },
  {
    id: "day-off",
    title: "On a day off",
    prompts: [
      { id: "day-off-rest", text: "What would rest look like today, if nothing else needed doing?" },
      { id: "day-off-in-your-head", text: "Is work still in your head? Write it down here, so it can stay here." },
      { id: "day-off-for-you", text: "What's one small thing you could do just for you today?" },
      { id: "day-off-people", text: "Who helps you feel like yourself? When did you last see them?" },
    ],
  },
  {
    id: "went-well",
    title: "Noticing what went well",
    prompts: [
      { id: "well-small", text: "What went well today, however small?" },
      { id: "well-difference", text: "When did you make a difference for someone this week?" },
      { id: "well-unseen", text: "What did you handle well that nobody else saw?" },
      { id: "well-proud", text: "What are you quietly proud of?" },
      { id: "well-thanks", text: "Who made your day a bit easier? Did you get to tell them?" },
    ],
  },
  {
    id: "leaving-work",
    title: "Leaving work at work",
    prompts: [
      { id: "leaving-put-down", text: "What are you leaving here before you go home?" },
      { id: "leaving-unfinished", text: "Is anything unfinished? Note it for next time, then let it rest." },
      { id: "leaving-looking-forward", text: "What's one thing you're looking forward to when you get home?" },
      { id: "leaving-three-words", text: "Three words for how today was. Then close the page on it." },
      { id: "leaving-can-wait", text: "What can wait until tomorrow?" },
    ],
  },
]);

const PROMPTS = new Map(MOMENTS.flatMap((moment) => moment.prompts.map((prompt) => [prompt.id, { ...prompt, moment }])));

/** The organisation's own: prompts {id, moment, text, retired}, words {id, word, retired}. */
let organisation = { prompts: [], feelings: [] };

/** Offer the organisation's prompts and feeling words too (toolkit.js calls this). */
export function useOrganisationLibrary({ prompts = [], feelings = [] } = {}) {
  organisation = { prompts, feelings };
}

const folded = (text) => String(text).trim().toLocaleLowerCase();

/** The prompt with this id (with its moment), or null if there is none. An organisation's
    retired prompt is still found, so an entry written from it shows it. */
export function findPrompt(id) {
  if (!id) return null;
  if (PROMPTS.has(id)) return PROMPTS.get(id);
  const own = organisation.prompts.find((prompt) => prompt.id === id);
  if (!own) return null;
  return { id: own.id, text: own.text, moment: MOMENTS.find((m) => m.id === own.moment) ?? null };
}

/** Tend's moments with the organisation's active prompts for each after Tend's own
    (one with the same words as a prompt already there is left out). */
export function moments() {
  const active = organisation.prompts.filter((prompt) => !prompt.retired);
  return MOMENTS.map((moment) => {
    const seen = new Set(moment.prompts.map((prompt) => folded(prompt.text)));
    const added = active.filter((prompt) => {
      if (prompt.moment !== moment.id || seen.has(folded(prompt.text))) return false;
      seen.add(folded(prompt.text));
      return true;
    });
    return { ...moment, prompts: [...moment.prompts, ...added.map(({ id, text }) => ({ id, text }))] };
  });
}

/** Tags offered when writing; she can add her own as well. */
export const SUGGESTED_TAGS = Object.freeze([
  "shift", "sleep-in", "night", "handover", "supervision", "team", "young person",
  "restraint", "incident", "training", "home", "family", "rest", "day off",
]);

/** Words for how she feels, to pick from: none are right or wrong. */
export const FEELING_WORDS = Object.freeze([
  "tired", "calm", "proud", "worried", "numb", "frustrated", "hopeful", "shaken",
  "relieved", "sad", "content", "overwhelmed", "angry", "grateful", "lonely", "settled",
]);

/** Tend's feeling words, then the organisation's (lower case, each word once). */
export function feelingWords() {
  const words = [...FEELING_WORDS];
  const seen = new Set(words);
  for (const { word, retired } of organisation.feelings) {
    if (retired) continue;
    const own = folded(word);
    if (own && !seen.has(own)) {
      seen.add(own);
      words.push(own);
    }
  }
  return words;
}
