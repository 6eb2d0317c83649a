"""On-device journal work in headless Chromium, with the PWA's own modules: opening
2,000 encrypted entries, and searching them, against a plain substring filter over the
same texts measured in the same run.

    .venv/bin/python bench/journal_search.py [--entries 2000] [--queries 50]

It starts `tend serve` on a free port with a throwaway database, opens it in Chromium
(Debian's, or TEND_CHROMIUM), seals the entries with a fresh data key inside the page,
then times `openRecord` over all of them and `searchEntries` for each query. The ratio
is search time / baseline time (1.0 would mean the journal's search, with its accent and
case folding over title, body, tags and feelings, costs no more than a bare `includes`).
"""

from __future__ import annotations

import argparse

from _pwa import pwa_page

MEASURE = """async ({root, count, queries}) => {
  const records = await import(`${root}/js/records.js`);
  const journal = await import(`${root}/js/journal.js`);
  const words = ('shift handover night calm tired kettle supervision team restraint walk ' +
    'river proud worried home sleep-in rota manager young person breakfast school rain ' +
    'laughed quiet car breathing tea friend').split(' ');
  const one = () => words[Math.floor(Math.random() * words.length)];
  const pick = (n) => Array.from({length: n}, one);
  const key = await crypto.subtle.generateKey({name: 'AES-GCM', length: 256}, false,
                                              ['encrypt', 'decrypt']);
  const sealed = [];
  for (let i = 0; i < count; i++) {
    const id = crypto.randomUUID();
    const content = {title: pick(4).join(' '), body: pick(220).join(' '),
                     tags: pick(2), feelings: pick(2)};
    const at = {id, type: 'journal', version: 1};
    sealed.push({id, envelope: await records.sealRecord(key, at, content)});
  }
  let started = performance.now();
  const entries = [];
  for (const record of sealed) {
    const content = await records.openRecord(key, {id: record.id, type: 'journal', version: 1},
                                             record.envelope);
    entries.push({id: record.id, ...content});
  }
  const openMs = performance.now() - started;
  const terms = Array.from({length: queries}, () => pick(2).join(' '));
  started = performance.now();
  let found = 0;
  for (const term of terms) found += journal.searchEntries(term, entries).length;
  const searchMs = (performance.now() - started) / queries;
  const texts = entries.map((e) => [e.title, e.body, ...e.tags, ...e.feelings].join('\\n'));
  started = performance.now();
  let baselineFound = 0;
  for (const term of terms) {
    const parts = term.split(' ');
    baselineFound += texts.filter((t) => parts.every((p) => t.includes(p))).length;
  }
  const baselineMs = (performance.now() - started) / queries;
  return {openMs, searchMs, baselineMs, found, baselineFound,
          bytes: sealed.reduce((n, r) => n + r.envelope.length, 0) / count};
}"""


def main(args: argparse.Namespace) -> None:
    with pwa_page() as (page, root):
        result = page.evaluate(
            MEASURE, {"root": root, "count": args.entries, "queries": args.queries}
        )
    assert result["found"] == result["baselineFound"], "both searches find the same entries"
    print(
        f"{args.entries} entries of about {result['bytes'] * 3 / 4 / 1024:.1f} KB sealed, "
        f"headless Chromium"
    )
    print(
        f"  open all (decrypt):      {result['openMs']:8.1f} ms "
        f"({result['openMs'] / args.entries:.3f} ms each)"
    )
    print(f"  journal search, a query: {result['searchMs']:8.2f} ms")
    print(
        f"  plain includes baseline: {result['baselineMs']:8.2f} ms"
        f"   ratio {result['searchMs'] / result['baselineMs']:.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=50)
    main(parser.parse_args())
