// Browser benchmark of a query asked while the worker has long work: loads a folder (a
// signed trail: scripts/integrity-fixtures.py --sign DIR) through "Open folder", then times
// from Enter to the count drawn for a query typed
// - right after the first rows, while the digests are validated (the page asks for it then);
// - right after saving a new watch rule, while it is evaluated over every event;
// - right after opening the Organization tab, while the org report is built.
// Each says whether the long work was still under way when the count was drawn. Run with
// DIST= a build of main to compare. Not a test: figures only.
// Usage: node bench-busy.mjs DIR
import path from 'node:path';
import { serve, launch, openApp } from './harness.mjs';

const dir = path.resolve(process.argv[2] ?? '../bench-data');
const srv = await serve();
const browser = await launch();
const { page, log } = await openApp(browser.context, srv.url);
await page.evaluate(() => localStorage.clear());
const t0 = Date.now();
await page.setInputFiles('[data-testid=folder-input]', dir, { timeout: 600_000 }); // 100,000 paths take minutes to hand over
await page.waitForSelector('[data-testid=load-status][data-state=done]', { state: 'attached', timeout: 1_800_000 });
const events = await page.$eval('[data-testid=load-status]', (e) => e.dataset.events);
const loaded = Date.now();
console.log(`${events} events loaded in ${((loaded - t0) / 1000).toFixed(1)} s`);

const count = () => page.$eval('[data-testid=match-count]', (e) => e.dataset.count ?? '');
/// Types `query`, presses Enter and waits for its count: ms from the Enter key's event to
/// the count drawn (both read in the page), and what was still under way then.
async function ask(query) {
  await page.fill('[data-testid=query]', query);
  await page.evaluate((q) => {
    window.bench = {};
    const input = document.querySelector('[data-testid=query]');
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.bench.enter = performance.now(); }, { capture: true, once: true });
    const done = () => {
      const table = document.querySelector('[data-testid=event-table]');
      return window.bench.enter !== undefined && input.value === q && table?.dataset.stale === 'false'
        && document.querySelector('[data-testid=match-count]')?.dataset.count !== '';
    };
    const rulesSettled = () => {
      const v = document.querySelector('[data-testid=rules-view]');
      return v && v.dataset.evaluated !== '' && v.dataset.evaluated === v.dataset.generation;
    };
    const b = window.bench;
    const observer = new MutationObserver(() => {
      if (b.enter === undefined) return;
      const now = performance.now();
      if (b.drawn === undefined && done()) {
        b.drawn = now;
        // What was still under way when the count was drawn.
        b.validating = !!document.querySelector('[data-testid=facet-pending]');
        b.rules = !rulesSettled();
      }
      if (b.validated === undefined && !document.querySelector('[data-testid=facet-pending]')) b.validated = now;
      if (b.ruled === undefined && rulesSettled()) b.ruled = now;
      if (b.drawn !== undefined && b.validated !== undefined && b.ruled !== undefined) observer.disconnect();
    });
    observer.observe(document.body, { subtree: true, attributes: true, childList: true });
  }, query);
  await page.press('[data-testid=query]', 'Enter');
  await page.waitForFunction(() => window.bench.drawn !== undefined, null, { timeout: 600_000, polling: 'raf' });
  await page.waitForFunction(() => window.bench.validated !== undefined && window.bench.ruled !== undefined, null, { timeout: 600_000, polling: 250 });
  const b = await page.evaluate(() => window.bench);
  const after = (t) => Math.max(0, Math.round(t - b.enter));
  return { ms: after(b.drawn), count: await count(), validating: b.validating, rules: b.rules, validated: after(b.validated), ruled: after(b.ruled) };
}

// 1. Validation: the page asks for it once the first rows are drawn.
await page.waitForSelector('[data-testid=event-row]', { timeout: 600_000 });
console.log(`first rows ${Date.now() - loaded} ms after done`);
const v = await ask('eventName:ListBuckets');
// (Polled: ±250 ms.) Whether the long work got slower for being cut into slices.
const settled = Date.now() - loaded;
console.log(`during validation: count ${v.count} drawn ${v.ms} ms after Enter (validation still pending then: ${v.validating}; validated ${v.validated} ms, rules settled ${v.ruled} ms after Enter)`);
console.log(`load done → starter rules, validation and the query all done: ${settled} ms`);

// 2. Rules: a new rule is evaluated over every event.
await page.click('[data-testid=tab-rules]');
await page.fill('[data-testid=rule-name]', 'Describe calls');
await page.fill('[data-testid=rule-pattern]', '{"detail":{"eventName":[{"prefix":"Describe"}]}}');
await page.waitForSelector('[data-testid=rule-ok]');
await page.click('[data-testid=rule-save]');
await page.click('[data-testid=tab-events]');
const r = await ask('eventName:GetCallerIdentity');
console.log(`during rules: count ${r.count} drawn ${r.ms} ms after Enter (rules still working then: ${r.rules}; settled ${r.ruled} ms after Enter)`);

// 3. The org report, asked by the Organization tab (built once per load).
await page.click('[data-testid=tab-organization]');
await page.click('[data-testid=tab-events]');
const o = await ask('eventName:AssumeRole');
console.log(`during the org report: count ${o.count} drawn ${o.ms} ms after Enter`);

if (log.errors.length) console.log('page errors:', log.errors);
await browser.close();
srv.server.close();
