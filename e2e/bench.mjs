// Browser benchmark: loads a generated folder through the real UI ("Open folder") in
// headless Chromium and reports ingest time, events/s, MB/s, memory (the worker's and the
// page's wasm memory and JS heaps, and the resident size of every Chromium process, sampled
// during the load), the watch rules' times, and typed queries with the memory before and
// after them. Not a test: figures only. Run with scripts/bench (it generates the data
// first and passes the zcat / jq / native times in ZCAT_S, JQ_S, NATIVE_S to compare with).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, openApp, walk, appMemory, sampler, chromiumCpu, cpuBetween } from './harness.mjs';

const dir = path.resolve(process.argv[2] ?? '../bench-data');
const files = walk(dir);
let gzBytes = 0;
let jsonBytes = 0;
for (const f of files) {
  const bytes = fs.readFileSync(path.join(dir, f));
  gzBytes += bytes.length;
  jsonBytes += f.endsWith('.gz') ? zlib.gunzipSync(bytes).length : bytes.length;
}
const MB = (n) => +(n / 1e6).toFixed(1);
const ratio = (n) => +(n / jsonBytes).toFixed(2);

const srv = await serve();
const browser = await launch();
const { page } = await openApp(browser.context, srv.url);
const sample = await appMemory(page);

async function memory() {
  const { workerWasm, pageWasm, pageHeap, workerHeap, procs } = await sample();
  const app = workerWasm + pageWasm + pageHeap + workerHeap;
  return {
    worker_wasm_mb: MB(workerWasm), page_wasm_mb: MB(pageWasm),
    worker_js_heap_mb: MB(workerHeap), page_js_heap_mb: MB(pageHeap),
    app_mb: MB(app), app_vs_json: ratio(app),
    chromium_rss_mb: MB(procs.rss), chromium_pss_mb: MB(procs.pss), chromium_pss_mb_by_type: procs.byType,
  };
}

const idle = await memory();
const runSampler = sampler();
const loadSampler = sampler();
// The load is timed in the page from the input's change event (the moment a user's pick
// reaches the page) to the status saying done; handing 10,000 paths over the DevTools
// protocol (setInputFiles) takes seconds of its own that no user waits for.
await page.evaluate(() => document.querySelector('[data-testid=folder-input]')
  .addEventListener('change', () => { window.pickedAt = performance.now(); }, { capture: true }));
const cpu0 = chromiumCpu();
const t0 = Date.now();
await page.setInputFiles('[data-testid=folder-input]', dir, { timeout: 600_000 }); // 100,000 paths take minutes to hand over
await page.waitForSelector('[data-testid=load-status][data-state=done]', { state: 'attached', timeout: 1_800_000 });
const withHarness = (Date.now() - t0) / 1000;
const secs = await page.evaluate(() => (performance.now() - window.pickedAt) / 1000);
const loadCpu = cpuBetween(cpu0, chromiumCpu());
const loadPeak = await loadSampler.stop();
const status = await page.$eval('[data-testid=load-status]', (el) => ({
  files: Number(el.dataset.files), events: Number(el.dataset.events), errors: Number(el.dataset.errors),
}));
const loaded = await memory();

// Watch rules in the worker: the saved (starter) rules run as soon as the load is done;
// then one rule is switched off and on (the worker re-runs only a rule whose pattern
// changed, so this times the round trip more than the rules: see examples/rules.rs).
const allCounted = () => {
  const rules = [...document.querySelectorAll('[data-testid=rule]')];
  return rules.length > 0 && rules.every((r) => r.dataset.matches !== '');
};
const r0 = Date.now();
await page.waitForFunction(allCounted, null, { timeout: 600_000 });
const rulesFirst = (Date.now() - r0) / 1000;
const rulesCount = await page.locator('[data-testid=rule]').count();
await page.click('[data-testid=tab-rules]');
const toggle = page.locator('[data-testid=rule-toggle]').first();
const r1 = Date.now();
await toggle.click();
await page.waitForFunction(allCounted, null, { timeout: 600_000 });
await toggle.click();
await page.waitForFunction(allCounted, null, { timeout: 600_000 });
const rulesAgain = (Date.now() - r1) / 2 / 1000;
const afterRules = await memory();

// Typed queries, twice over: each one typed (the box waits 250 ms after the last key),
// until the match count changes, then the box cleared until it shows every event again.
// None of these matches every generated event, so the count always changes.
const QUERIES = [
  'eventName:ConsoleLogin', 'eventname:consolelogin', 'eventName:Describe*', 'eventName:*Role*',
  '(eventSource:iam.amazonaws.com OR source:sts*) AND NOT readOnly:true -errorCode:*',
  'region:eu-west-1', 'identityType:Root', 'errorCode:*', 'NOT readOnly:true', 'eventID:0000*',
  'userIdentity.userName:carol', 'userIdentity.sessionContext.sessionIssuer.userName:OrgAdmin',
  'eventName:CreateRole AND userIdentity.userName:alice', 'denied', 'zzzz',
  'errorCode:AccessDenied AND "perform CreateRole"', 'eventSource:organizations.amazonaws.com',
  'eventName:Create* AND NOT errorCode:*', 'source:s3* OR source:ec2*', '_exists_:errorCode',
];
const count = () => page.$eval('[data-testid=match-count]', (el) => Number(el.dataset.count));
const countIs = (want, not) => page.waitForFunction(([w, n]) => {
  const c = Number(document.querySelector('[data-testid=match-count]').dataset.count);
  return n ? c !== w : c === w;
}, [want, not], { timeout: 600_000 });
await page.click('[data-testid=tab-events]');
await page.waitForSelector('[data-testid=match-count]', { timeout: 600_000 });
const total = await count();
const rounds = [];
const querySampler = sampler();
for (let round = 0; round < 2; round++) {
  const times = [];
  for (const q of QUERIES) {
    const t = Date.now();
    await page.fill('[data-testid=query]', q);
    await countIs(total, true);
    times.push({ query: q, seconds: (Date.now() - t) / 1000, matches: await count() });
    await page.fill('[data-testid=query]', '');
    await countIs(total, false);
  }
  rounds.push({ times, memory: await memory() });
}
const queryPeak = await querySampler.stop();
const runPeak = await runSampler.stop();
const sorted = rounds[1].times.map((t) => t.seconds).sort((a, b) => a - b);

const result = {
  files: status.files, events: status.events, errors: status.errors, seconds: secs,
  load_cpu_s: loadCpu.total, events_per_s: Math.round(status.events / secs), gz_mb_per_s: +(gzBytes / 1e6 / secs).toFixed(1),
  gz_mb: MB(gzBytes), json_mb: MB(jsonBytes),
  rules: rulesCount, rules_first_s: rulesFirst, rules_again_s: rulesAgain,
  memory: {
    idle, loaded, after_rules: afterRules,
    after_queries: rounds.map((r) => r.memory),
    load_peak_chromium_rss_mb: MB(loadPeak.rss), load_peak_chromium_pss_mb: MB(loadPeak.pss),
    query_peak_chromium_rss_mb: MB(queryPeak.rss), query_peak_chromium_pss_mb: MB(queryPeak.pss),
    peak_chromium_rss_mb: MB(runPeak.rss), peak_chromium_pss_mb: MB(runPeak.pss),
  },
  query_median_s: sorted[sorted.length >> 1], query_max_s: sorted[sorted.length - 1],
  queries: rounds[1].times,
};
console.log(JSON.stringify(result));

// Side by side. Times from scripts/bench (same files, single core) when given.
const row = (what, s) => {
  if (!(s > 0)) return;
  const jq = Number(process.env.JQ_S);
  const zcat = Number(process.env.ZCAT_S);
  const vs = (base) => (base > 0 ? `${(base / s).toFixed(2)}x` : '');
  console.log(`| ${what} | ${s.toFixed(2)} s | ${Math.round(status.events / s)} | ${(jsonBytes / 1e6 / s).toFixed(0)} | ${vs(jq)} | ${vs(zcat)} |`);
};
console.log(`\n${status.events} events, ${files.length} files, ${MB(jsonBytes)} MB JSON, ${MB(gzBytes)} MB gzipped`);
console.log('| what | time | events/s | MB/s of JSON | jq time / this | zcat time / this |');
console.log('| --- | --- | --- | --- | --- | --- |');
row('zcat (single core)', Number(process.env.ZCAT_S));
row('zcat + jq select (single core)', Number(process.env.JQ_S));
row('native core (examples/memory)', Number(process.env.NATIVE_S));
row('headless Chromium through the UI', secs);
console.log(`\nfrom setInputFiles to done (the harness handing over ${files.length} paths included): ${withHarness.toFixed(2)} s`);
console.log(`CPU during the load: ${loadCpu.total} s over all Chromium threads (${loadCpu.threads}); load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
const m = (x) => `worker wasm ${x.worker_wasm_mb} MB + page wasm ${x.page_wasm_mb} MB + JS heaps ${x.worker_js_heap_mb} + ${x.page_js_heap_mb} MB = ${x.app_mb} MB (${x.app_vs_json}x the JSON); Chromium RSS ${x.chromium_rss_mb} MB, PSS ${x.chromium_pss_mb} MB ${JSON.stringify(x.chromium_pss_mb_by_type)}`;
console.log(`\nmemory, idle app:         ${m(idle)}`);
console.log(`memory, loaded:           ${m(loaded)}`);
console.log(`memory, after rules:      ${m(afterRules)}`);
rounds.forEach((r, i) => console.log(`memory, after queries ${i + 1}/2: ${m(r.memory)}`));
console.log(`Chromium peaks: during the load RSS ${MB(loadPeak.rss)} MB, PSS ${MB(loadPeak.pss)} MB; during the queries RSS ${MB(queryPeak.rss)} MB, PSS ${MB(queryPeak.pss)} MB`);
const idlePss = idle.chromium_pss_mb * 1e6;
console.log(`Chromium peak over the run: RSS ${MB(runPeak.rss)} MB (${ratio(runPeak.rss)}x the JSON), PSS ${MB(runPeak.pss)} MB (${ratio(runPeak.pss)}x); PSS above the idle app ${MB(runPeak.pss - idlePss)} MB (${ratio(runPeak.pss - idlePss)}x the JSON)`);
console.log(`queries (typed until the count changes, incl. the 250 ms debounce), 2nd round: median ${result.query_median_s} s, max ${result.query_max_s} s`);
for (const t of rounds[1].times) console.log(`  ${t.seconds.toFixed(2)} s  ${String(t.matches).padStart(8)}  ${t.query}`);
await browser.close();
srv.server.close();
