/* Lighthouse audits of Tend's main screens, run by bench/lighthouse.py.

   node audit.mjs <options.json>   options: {url, setupLink, chromium, reports, html: [names]}

   One Chromium with a persistent profile (an incognito-like one is never installable):
   the welcome page is audited first, signed out and from cold (Lighthouse resets the
   origin's storage). Then Priya sets up an organisation and invites Jade in a separate
   incognito context; Jade joins there, and signs in through the PWA's own sign-in form in
   the audited profile, which keeps her unlocked key in IndexedDB. Each signed-in screen
   is then audited with `disableStorageReset`, so it loads as it would for her: signed in,
   service worker installed. Mobile form factor and simulated throttling (the defaults).
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

const INVITE = async (roles) => {
  const root = document.querySelector("link[rel=stylesheet]").href
    .replace(location.origin, "").replace(/\/css\/app\.css$/, "");
  const api = await import(`${root}/js/api.js`);
  return (await api.post("/api/admin/invitations", { roles, supervisor_ids: [] })).link;
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
    runWarnings: lhr.runWarnings };
}

async function audit(page, name, url, { resetStorage }) {
  const result = await lighthouse(url, {
    output: options.html.includes(name) ? ["json", "html"] : ["json"],
    onlyCategories: CATEGORIES,
    disableStorageReset: !resetStorage,
    logLevel: "error",
  }, undefined, page);
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

  // Priya and Jade make their accounts elsewhere; only Jade's sign-in happens here.
  const elsewhere = await browser.createBrowserContext();
  const setup = await elsewhere.newPage();
  await setup.goto(`${options.url}/`);
  await ready(setup);
  const token = options.setupLink.split("#")[1];
  await setup.evaluate(CREATE_ACCOUNT, {
    endpoint: "/api/setup",
    body: { token, organisation_name: "Harbour Care", teams: ["Oak House"], also_worker: true },
    account: { display_name: "Priya", email: "priya@example.org" },
    password: PASSWORD,
  });
  const link = await setup.evaluate(INVITE, ["worker"]);
  await setup.deleteCookie(...await setup.cookies());
  await setup.evaluate(() => new Promise((resolve) => {
    const request = indexedDB.deleteDatabase("tend-keys");
    request.onsuccess = request.onerror = request.onblocked = resolve;
  }));
  await setup.goto(`${options.url}/`);
  await ready(setup);
  await setup.evaluate(CREATE_ACCOUNT, {
    endpoint: "/api/invitations/accept",
    body: { token: link.split("#")[1] },
    account: { display_name: "Jade", email: "jade@example.org" },
    password: PASSWORD,
  });
  await elsewhere.close();

  await page.goto(`${options.url}/sign-in`);
  await ready(page);
  await page.locator("input[name=email]").fill("jade@example.org");
  await page.locator("input[type=password]").fill(PASSWORD);
  await page.locator("button[type=submit]").click();
  await page.waitForFunction(() => location.pathname === "/" && !document.querySelector("input[type=password]"),
    { timeout: 60_000 });
  await offlineReady(page);
  await page.evaluate(SEED);

  for (const [name, path] of SIGNED_IN) {
    out.audits.push(await audit(page, name, `${options.url}${path}`, { resetStorage: false }));
  }
  await page.goto(`${options.url}/`);
  await ready(page);
  await offlineReady(page);
  out.installability = await installability(page);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out)}\n`);
