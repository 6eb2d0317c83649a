/* Lighthouse audits of Tend's main screens, run by bench/lighthouse.py.

   node audit.mjs <options.json>   options: {url, setupLink, chromium, reports, html: [names]}

   One Chromium with a persistent profile (an incognito-like one is never installable):
   the welcome page is audited first, signed out and from cold (Lighthouse resets the
   origin's storage). Then Priya sets up an organisation and invites Jade in a separate
   incognito context; Jade joins there, and signs in through the PWA's own sign-in form in
   the audited profile, which keeps her unlocked key in IndexedDB. Each signed-in screen
   is then audited with `disableStorageReset`, so it loads as it would for her: signed in,
   service worker installed. Jade shares her weekly summary with Claire, her supervisor.
   Then, on the same device, Jade signs out and Claire signs in (her supervisees and the
   page where she prepares supervision with Jade), and then Priya (admin: people, support
   lines, organisation figures). Mobile form factor and simulated throttling (the defaults).
   Prints one JSON object: scores, failed audits, installability. */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const options = JSON.parse(readFileSync(process.argv[2], "utf8"));
const CATEGORIES = ["performance", "accessibility", "best-practices"];
const PASSWORD = "a calm walk by the river";
const SIGNED_IN = [
  ["home", "/"],
  ["journal", "/journal"],
  ["checkin", "/checkin"],
  ["right-now", "/right-now"],
  ["trends", "/trends"],
];

const CREATE_ACCOUNT = async ({ endpoint, body, account, password }) => {
  const root = document.querySelector("link[rel=stylesheet]").href
    .replace(location.origin, "").replace(/\/css\/app\.css$/, "");
  const session = await import(`${root}/js/session.js`);
  const api = await import(`${root}/js/api.js`);
  await session.createAccount(
    password, (keys) => api.post(endpoint, { ...body, account: { ...account, ...keys } }),
  );
  return session.current().me;
};

const INVITE = async ({ roles, supervisors }) => {
  const root = document.querySelector("link[rel=stylesheet]").href
    .replace(location.origin, "").replace(/\/css\/app\.css$/, "");
  const api = await import(`${root}/js/api.js`);
  return (await api.post("/api/admin/invitations", { roles, supervisor_ids: supervisors })).link;
};

const SIGN_OUT = async () => {
  const root = document.querySelector("link[rel=stylesheet]").href
    .replace(location.origin, "").replace(/\/css\/app\.css$/, "");
  await (await import(`${root}/js/session.js`)).signOut();
};

/** Two months of daily check-ins and two journal entries: journal and trends as someone
    who checks in most days sees them. */
const SEED = async () => {
  const root = document.querySelector("link[rel=stylesheet]").href
    .replace(location.origin, "").replace(/\/css\/app\.css$/, "");
  const checkins = await import(`${root}/js/checkins.js`);
  const journal = await import(`${root}/js/journal.js`);
  const helped = ["rest", "time outside", "talking to someone", "music"];
  for (let daysAgo = 59; daysAgo >= 0; daysAgo -= 1) {
    const at = new Date(Date.now() - daysAgo * 86_400_000);
    await checkins.saveCheckin({
      stress: 1 + ((daysAgo * 7) % 5), energy: 1 + ((daysAgo * 3) % 5), sleep: 1 + (daysAgo % 5),
      feelings: daysAgo % 2 ? ["tired"] : ["calm"], helped: [helped[daysAgo % 4]],
      context: daysAgo % 3 ? "after-shift" : "day-off",
    }, at);
  }
  await journal.saveEntry({ title: "A quieter shift", body: "Walked home the long way.", tags: ["shift"] });
  await journal.saveEntry({ title: "After the meeting", body: "Glad I said something.", tags: [] });
};

async function ready(page) {
  await page.waitForSelector("html[data-ready]");
}

/** Wait until the service worker controls the page and has precached the shell. */
async function offlineReady(page) {
  await page.waitForFunction(async () => Boolean(navigator.serviceWorker.controller)
    && (await caches.keys()).some((name) => name.startsWith("tend-precache-")),
  { timeout: 60_000, polling: 100 });
}

function summary(name, lhr) {
  const scores = Object.fromEntries(
    CATEGORIES.map((id) => [id, Math.round((lhr.categories[id]?.score ?? 0) * 100)]),
  );
  const failed = [];
  const errored = [];
  for (const id of CATEGORIES) {
    for (const ref of lhr.categories[id].auditRefs) {
      const audit = lhr.audits[ref.id];
      if (audit.scoreDisplayMode === "error") {
        errored.push({ id: ref.id, value: audit.errorMessage.split("\n")[0] });
        continue;
      }
      if (ref.weight === 0 && audit.scoreDisplayMode !== "binary") continue;
      if (audit.score === null || audit.score >= 0.9) continue;
      if (["notApplicable", "informative", "manual"].includes(audit.scoreDisplayMode)) continue;
      failed.push({
        category: id, id: ref.id, score: audit.score, title: audit.title,
        value: audit.displayValue ?? "",
      });
    }
  }
  const metrics = Object.fromEntries(
    ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
      "cumulative-layout-shift", "speed-index", "interactive"]
      .map((id) => [id, lhr.audits[id]?.displayValue ?? ""]),
  );
  return { name, url: lhr.finalDisplayedUrl, scores, failed, errored, metrics,
    runWarnings: lhr.runWarnings, runtimeError: lhr.runtimeError?.code ?? null };
}

async function audit(page, name, url, { resetStorage }) {
  // A trace Lighthouse could not read (NO_NAVSTART, now and then with this Chromium) is
  // the tool's failure, not the page's: the run is repeated, up to three times in all.
  let result;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    result = await lighthouse(url, {
      output: options.html.includes(name) ? ["json", "html"] : ["json"],
      onlyCategories: CATEGORIES,
      disableStorageReset: !resetStorage,
      logLevel: "error",
    }, undefined, page);
    if (!result.lhr.runtimeError) break;
    process.stderr.write(`${name}: ${result.lhr.runtimeError.code}, attempt ${attempt}\n`);
  }
  const [json, html] = result.report;
  writeFileSync(join(options.reports, `${name}.json`), json);
  if (html) writeFileSync(join(options.reports, `${name}.html`), html);
  return summary(name, result.lhr);
}

async function installability(page) {
  const cdp = await page.createCDPSession();
  const manifest = await cdp.send("Page.getAppManifest");
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  await cdp.detach();
  return {
    manifestUrl: manifest.url,
    manifestErrors: manifest.errors,
    installabilityErrors,
  };
}

const profile = mkdtempSync(join(tmpdir(), "tend-lighthouse-"));
const browser = await puppeteer.launch({
  executablePath: options.chromium,
  headless: true,
  userDataDir: profile,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  defaultViewport: null,
});
const out = { audits: [] };
try {
  const page = (await browser.pages())[0] ?? await browser.newPage();
  out.audits.push(await audit(page, "welcome", `${options.url}/`, { resetStorage: true }));

  // Priya, Claire and Jade make their accounts elsewhere, each in a context of her own;
  // only their sign-ins happen in the audited profile.
  const join = async (endpoint, body, account) => {
    const elsewhere = await browser.createBrowserContext();
    const there = await elsewhere.newPage();
    await there.goto(`${options.url}/`);
    await ready(there);
    const me = await there.evaluate(CREATE_ACCOUNT, { endpoint, body, account, password: PASSWORD });
    return { me, page: there, context: elsewhere };
  };
  const priya = await join(
    "/api/setup",
    { token: options.setupLink.split("#")[1], organisation_name: "Harbour Care", teams: ["Oak House"], also_worker: true },
    { display_name: "Priya", email: "priya@example.org" },
  );
  const accept = async (roles, supervisors, account) => {
    const link = await priya.page.evaluate(INVITE, { roles, supervisors });
    const person = await join("/api/invitations/accept", { token: link.split("#")[1] }, account);
    await person.context.close();
    return person.me;
  };
  const claire = await accept(["supervisor", "worker"], [], { display_name: "Claire", email: "claire@example.org" });
  const jade = await accept(["worker"], [claire.id], { display_name: "Jade", email: "jade@example.org" });
  await priya.context.close();

  const signIn = async (email) => {
    await page.goto(`${options.url}/sign-in`);
    await ready(page);
    await page.locator("input[name=email]").fill(email);
    await page.locator("input[type=password]").fill(PASSWORD);
    await page.locator("button[type=submit]").click();
    await page.waitForFunction(() => location.pathname === "/" && !document.querySelector("input[type=password]"),
      { timeout: 60_000 });
  };
  await signIn("jade@example.org");
  await offlineReady(page);
  await page.evaluate(SEED);

  for (const [name, path] of SIGNED_IN) {
    out.audits.push(await audit(page, name, `${options.url}${path}`, { resetStorage: false }));
  }
  // Installability, while the worker's service worker holds the shell.
  await page.goto(`${options.url}/`);
  await ready(page);
  await offlineReady(page);
  out.installability = await installability(page);

  // Jade shares this week with Claire, through the sharing page's preview.
  await page.goto(`${options.url}/sharing`);
  await ready(page);
  await page.locator("::-p-aria(Preview your weekly wellbeing summary for Claire)").click();
  await page.locator("::-p-aria(Share with Claire)").click();
  await page.locator("::-p-text(Shared with Claire.)").wait();
  await page.evaluate(SIGN_OUT);

  await signIn("claire@example.org");
  for (const [name, path] of [["supervisees", "/supervisees"], ["prepare", `/supervisees/prepare?id=${jade.id}`]]) {
    out.audits.push(await audit(page, name, `${options.url}${path}`, { resetStorage: false }));
  }
  await page.evaluate(SIGN_OUT);

  await signIn("priya@example.org");
  for (const [name, path] of [["admin", "/admin"], ["admin-lines", "/admin/support"], ["insights", "/admin/insights"]]) {
    out.audits.push(await audit(page, name, `${options.url}${path}`, { resetStorage: false }));
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out)}\n`);
