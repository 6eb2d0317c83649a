"""The trends page drawn from 365 days of check-ins in headless Chromium, with the PWA's
own modules: decrypt every check-in, work out the patterns and draw the page (charts,
tables, balance, shifts, "seems to go with"), against decrypting alone in the same run.

    .venv/bin/python bench/trends.py [--days 365] [--rounds 5]

Each round seals fresh check-ins with a new data key inside the page, then times
(a) `openRecord` over all of them, and (b) the same decryption followed by
`trendsContent` for the 90-day view, attached to the page and laid out (the browser
computes its layout before the timer stops). The ratio is (b) / (a): how much drawing
adds to the decryption any page showing check-ins must do anyway. Medians are printed.
"""

from __future__ import annotations

import argparse
import statistics

from _pwa import pwa_page

MEASURE = """async ({root, days}) => {
  const records = await import(`${root}/js/records.js`);
  const trends = await import(`${root}/js/trends.js`);
  const view = await import(`${root}/js/views/trends.js`);
  const key = await crypto.subtle.generateKey({name: 'AES-GCM', length: 256}, false,
                                              ['encrypt', 'decrypt']);
  const today = trends.dayKey();
  const helped = ['rest', 'time outside', 'movement', 'talking to someone', 'music'];
  const contexts = ['on-shift', 'after-shift', 'day-off', 'sleep-in', 'night-shift'];
  const sealed = [];
  for (let ago = days - 1; ago >= 0; ago--) {
    const id = crypto.randomUUID();
    const r = (n) => 1 + Math.floor(Math.random() * n);
    const content = {at: new Date().toISOString(), day: trends.addDays(today, -ago),
      stress: r(5), energy: r(5), sleep: r(5), feelings: ['tired', 'calm'].slice(0, r(2)),
      helped: helped.filter(() => Math.random() < 0.3), context: contexts[r(5) - 1],
      difficult: Math.random() < 0.1, note: 'a short private note about the day'};
    const at = {id, type: 'checkin', version: 1};
    sealed.push({id, envelope: await records.sealRecord(key, at, content)});
  }
  const open = async () => Promise.all(sealed.map(async ({id, envelope}) => ({id,
    ...(await records.openRecord(key, {id, type: 'checkin', version: 1}, envelope))})));

  let started = performance.now();
  await open();
  const decryptMs = performance.now() - started;

  const main = document.getElementById('main');
  started = performance.now();
  const checkins = await open();
  const nodes = view.trendsContent({checkins, reflections: [], dismissed: [], today,
                                    period: 90, refresh: () => {}});
  main.replaceChildren(...nodes);
  const height = main.getBoundingClientRect().height;  // forces layout
  const drawMs = performance.now() - started;
  return {decryptMs, drawMs, height, dots: main.querySelectorAll('circle.chart-dot').length};
}"""


def main(args: argparse.Namespace) -> None:
    results = []
    with pwa_page() as (page, root):
        page.evaluate(MEASURE, {"root": root, "days": args.days})  # warm-up: modules, JIT
        for _ in range(args.rounds):
            results.append(page.evaluate(MEASURE, {"root": root, "days": args.days}))
    assert all(r["dots"] == 3 * 90 for r in results), "every day of 90 drawn on 3 charts"
    decrypt = statistics.median(r["decryptMs"] for r in results)
    draw = statistics.median(r["drawMs"] for r in results)
    print(f"{args.days} days of check-ins, 90-day view, headless Chromium at 360x740")
    print(f"  decrypt only (baseline):   {decrypt:8.1f} ms")
    print(f"  decrypt, work out, draw:   {draw:8.1f} ms   ratio {draw / decrypt:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=5)
    main(parser.parse_args())
