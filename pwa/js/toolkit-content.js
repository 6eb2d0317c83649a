/* The words of the "Right now" tools, as data: breathing patterns, grounding, leaving work
   at work, and a few short explainers. Written in Tend's own words; nothing here is sent
   or stored anywhere. */

export const RIGHT_NOW = Object.freeze({
  title: "Right now",
  lead: "Something to steady you, whenever you need it. Nothing here is saved or sent, "
    + "and it all works without signal.",
});

/* A phase: what it says, how long it lasts (seconds), and how the circle moves ("full" grows
   to full size, "empty" shrinks; a hold keeps the size it had). */
export const BREATHING = Object.freeze({
  title: "Breathe",
  intro: "Slow breathing helps your body settle. Follow the circle or the words, and stop "
    + "whenever you like.",
  legend: "Pattern",
  patterns: [
    {
      id: "box",
      label: "Box breathing",
      detail: "In for 4, hold for 4, out for 4, hold for 4: steady and even.",
      phases: [
        { words: "Breathe in", seconds: 4, size: "full" },
        { words: "Hold", seconds: 4, size: "full" },
        { words: "Breathe out", seconds: 4, size: "empty" },
        { words: "Hold", seconds: 4, size: "empty" },
      ],
    },
    {
      id: "long-out",
      label: "Longer out-breath",
      detail: "In for 4, out for 6: a longer breath out helps your body slow down.",
      phases: [
        { words: "Breathe in", seconds: 4, size: "full" },
        { words: "Breathe out", seconds: 6, size: "empty" },
      ],
    },
  ],
  start: "Start",
  stop: "Stop",
  ready: "Ready when you are",
  stopped: "Stopped. Start again whenever you like.",
  vibrate: "Gentle vibration when it's time to change",
  vibrateHint: "Off unless you turn it on.",
});

export const GROUNDING = Object.freeze({
  id: "ground",
  title: "Ground yourself: 5-4-3-2-1",
  intro: "When your mind is racing or far away, this brings you back to where you are, one "
    + "sense at a time. Nothing to type: just notice.",
  steps: [
    { title: "5 things you can see", text: "Let your eyes move slowly around you. Name each one "
      + "to yourself: a colour, a shape, something small you hadn't noticed." },
    { title: "4 things you can touch", text: "Your feet on the floor, your back against the "
      + "chair, the fabric of your sleeve. Notice how each one feels." },
    { title: "3 things you can hear", text: "Near or far: a fridge humming, traffic outside, "
      + "your own breathing." },
    { title: "2 things you can smell", text: "If nothing comes, think of two smells you like, "
      + "and take your time with each." },
    { title: "1 thing you can taste", text: "Or take a sip of water and notice how it feels." },
  ],
  end: { title: "You're here, right now", text: "Take one more slow breath before you carry on. "
    + "You can come back to this whenever you need it." },
  again: "Start again",
});

export const LEAVING_WORK = Object.freeze({
  id: "way-home",
  title: "Leaving work at work",
  intro: "A few minutes for the journey home, or before you open your own front door. Read "
    + "one step, then look up and do it.",
  steps: [
    { title: "Notice what you're carrying", text: "Check in with your body. Tight shoulders, a "
      + "clenched jaw, a heavy chest? Just notice. You don't need to fix anything." },
    { title: "Name one thing that went OK", text: "However hard the shift was, find one thing: a "
      + "moment of connection, a meal shared, a calm word. It counts." },
    { title: "Put down what can wait", text: "Whatever can wait until tomorrow, picture leaving "
      + "it at work. It will still be there. If something can't wait, tell whoever is on shift, "
      + "then let it go for tonight." },
    { title: "One breath for the shift", text: "Breathe in slowly, and out for a little longer, "
      + "for everything that happened today. You did what you could." },
    { title: "Mark the change", text: "Something small that says work is over: change your top, "
      + "wash your hands, put on music you like, step out into the air." },
    { title: "Something kind for the evening", text: "Choose one kind thing for yourself "
      + "tonight: food you enjoy, a call, a bath, an early night. You matter too." },
  ],
  end: { title: "Work is done for now", text: "It will still be there tomorrow. Tonight is yours." },
  again: "Go through it again",
});

export const EXPLAINERS = Object.freeze({
  id: "understand",
  title: "Making sense of it",
  intro: "Short, plain explanations of things many people in care work feel.",
  topics: [
    {
      title: "Secondary trauma",
      paragraphs: [
        "When you spend your days alongside children who have been hurt, some of their pain "
        + "can find its way into you. That's secondary trauma, sometimes called vicarious "
        + "trauma. It isn't a sign that you're weak or doing the job wrong. It's a very human "
        + "response to caring about people who have been through terrible things.",
        "It can creep up slowly, or arrive after one hard day. You might find a young person's "
        + "story going round your head, feel jumpy or on edge, sleep badly, or feel that the "
        + "world is less safe than it used to be. Some people feel numb, or start avoiding "
        + "certain places or conversations.",
        "Noticing it is a good first step. Talking it through in supervision, with colleagues "
        + "you trust, or with someone outside work can help it settle. So can ordinary things: "
        + "rest, people who make you laugh, and time that has nothing to do with work.",
      ],
    },
    {
      title: "Moral distress",
      paragraphs: [
        "Moral distress is what happens when you know what the right thing would be, but "
        + "something stops you doing it: too few staff, a decision made above you, a rule that "
        + "doesn't fit the child in front of you, or simply not enough hours in the shift.",
        "It can feel like guilt, anger, frustration, or a quiet sense of letting someone down, "
        + "even when the situation wasn't yours to change. Over time it can wear away at the "
        + "reasons you came into this work.",
        "It helps to name it for what it is. The gap between what you wanted to do and what "
        + "was possible is not a personal failing; it often says more about the system around "
        + "you. Saying it out loud to a supervisor or manager matters, for you and because it "
        + "can change things. Writing it down can help too, so it isn't only living in your head.",
      ],
    },
    {
      title: "Blocked care",
      paragraphs: [
        "Blocked care is a way your mind protects itself when caring goes on for a long time "
        + "without enough coming back: warmth, rest, or signs that it's making a difference. "
        + "Bit by bit, the part of you that feels close to a child and curious about them turns "
        + "down. You keep doing the tasks, but the warmth is harder to find.",
        "You might feel flat around a young person, more irritable than usual, or as if you're "
        + "going through the motions. That can be frightening if you've always cared deeply, "
        + "and it often brings shame. It shouldn't. Blocked care isn't a lack of love or skill; "
        + "it's a nervous system that has been running on empty.",
        "The way back is usually through being cared for yourself: supportive supervision, "
        + "colleagues who notice, rest, and moments that remind you why the work matters. It "
        + "tends to ease when the load eases, so it's worth telling someone.",
      ],
    },
    {
      title: "Why recovery matters",
      paragraphs: [
        "Rest isn't a reward for getting everything done. In work like yours, it's part of doing "
        + "the job well. Your body responds to stress whether or not you notice it, and it needs "
        + "time between shifts to come back down.",
        "Without that time, tiredness and tension build up. It gets harder to think clearly, "
        + "stay patient, and feel close to the young people you look after.",
        "Recovery doesn't have to be big. A proper break on shift, a walk, sleep, a day off that "
        + "really is a day off, a good meal, time with people you like, or doing nothing at all: "
        + "small and often counts for a lot. If you notice you haven't had a real break in a "
        + "while, that isn't a failing. It's useful to know, and worth bringing to supervision.",
      ],
    },
  ],
  notDiagnosis: "These are here to help you make sense of how you feel. They are not a "
    + "diagnosis. If something here sounds like you and it's weighing on you, you don't have "
    + "to carry it alone.",
  support: "Get support",
});

/* "After something difficult": grounding first, then her choices, none required. What she
   picks about what happened stays on the page: it is never saved or sent. A serious kind is
   acknowledged with care, and with a word about her own safety or a debrief. */
export const AFTER_DIFFICULT = Object.freeze({
  title: "After something difficult",
  lead: "You don't have to work out what to do with it all at once. Start by steadying "
    + "yourself. Everything after that is your choice, and none of it is needed.",
  ground: {
    title: "First, steady yourself",
    text: "Breathe with the circle for a minute or two. If you'd rather skip this, that's fine.",
    other: "Or ground yourself with 5-4-3-2-1",
    next: "I'm ready for what's next",
  },
  what: {
    title: "What happened, if you'd like to say",
    hint: "This stays on this page. It isn't saved or sent anywhere.",
    legend: "What happened",
  },
  kinds: [
    {
      id: "restraint", label: "A restraint or physical intervention", serious: true,
      words: "Holding a young person, even when it was needed to keep everyone safe, can stay "
        + "with you. Feeling shaken, sad, angry or numb afterwards all make sense.",
    },
    {
      id: "hurt", label: "Someone was hurt or threatened, me included", serious: true,
      words: "Being hurt or threatened at work is serious, whoever it happened to. It isn't "
        + "something you should just put up with. Your safety matters, and so do your "
        + "feelings about it.",
    },
    {
      id: "death", label: "The death or serious harm of a child or young person", serious: true,
      words: "This is one of the hardest things anyone in this work can face. There is no "
        + "right way to feel about it, and no timetable. Please don't carry it on your own.",
    },
    {
      id: "disclosure", label: "A young person told me about abuse or harm", serious: true,
      words: "Being the person a young person trusts enough to tell can be very heavy. How "
        + "what you heard has left you matters too.",
    },
    {
      id: "missing", label: "A young person went missing",
      words: "Waiting and not knowing is exhausting, and the worry doesn't always stop when "
        + "the shift does.",
    },
    {
      id: "other", label: "Something else",
      words: "Whatever it was, if it has stayed with you, it matters.",
    },
    {
      id: "unsaid", label: "I'd rather not say",
      words: "That's fine. You don't need to say what it was.",
    },
  ],
  serious: "After something like this, it's right to ask for a debrief, and to take it "
    + "gently for a while. If you're hurt, or don't feel safe now, tell whoever is in charge "
    + "on shift, or call 999 in an emergency.",
  choices: {
    title: "What might help now",
    lead: "Any of these, or none. You can come back to this page whenever you like.",
    write: "Write it down, just for you",
    writeHint: "A private journal entry. Only you can read it.",
    debrief: "Ask for a debrief",
    debriefHint: "A chance to talk it through with your supervisor.",
    debriefNote: "Could we have a debrief? Something difficult happened.",
    noSupervisor: "Ask whoever is in charge on shift, or your manager, for a debrief: a chance "
      + "to talk it through while it's fresh.",
    followUp: "Later on",
    followUpHint: "Tend can check in gently tomorrow and in 3 days. It won't say why.",
    help: "Who can help now",
    helpLink: "See who can help now",
    plan: "Look at your self-care plan",
  },
});
