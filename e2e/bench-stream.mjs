// Browser benchmark of one big file: loads FILE through the file input of the real app in
// headless Chromium and reports the load time and memory (the worker's and page's wasm
// memory, which never shrinks and so is their peak, and the peak resident size of the
// Chromium processes, sampled during the load). Not a test: figures only.
// Run with: DIST=... node bench-stream.mjs FILE
import fs from 'node:fs';
import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { serve, launch, openApp } from './harness.mjs';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench-stream.mjs FILE');
const MB = (n) => +(n / 1e6).toFixed(1);

// Resident and proportional sizes of the Chromium processes this script started.
async function chromiumMemory() {
  const { stdout } = await promisify(exec)('ps -eo pid=,ppid=,rss=,comm=');
  const procs = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([pid, ppid, kb, comm]) => [Number(pid), Number(ppid), Number(kb), comm]);
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of procs) if (ours.has(ppid) && !ours.has(pid)) { ours.add(pid); grew = true; }
  }
  let rss = 0;
  let pss = 0;
  for (const [pid, , kb, comm] of procs) {
    if (comm !== 'chromium' || !ours.has(pid)) continue;
    rss += kb * 1024;
    try {
      pss += Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch { /* exited meanwhile */ }
  }
  return { rss, pss };
}

const srv = await serve();
const browser = await launch();
const { page, log } = await openApp(browser.context, srv.url);
const worker = page.workers()[0] ?? await page.waitForEvent('worker');
const wasm = async () => ({
  worker: await worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength),
  page: await page.evaluate(async () => (await window.wasmBindings.default()).memory.buffer.byteLength),
});
const idle = await chromiumMemory();
const peak = { rss: 0, pss: 0 };
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const m = await chromiumMemory();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.pss = Math.max(peak.pss, m.pss);
    await new Promise((ok) => setTimeout(ok, 200));
  }
})();
const t0 = Date.now();
await page.setInputFiles('[data-testid=file-input]', file);
await page.waitForSelector('[data-testid=load-status][data-state=done]', { state: 'attached', timeout: 1_800_000 });
const secs = (Date.now() - t0) / 1000;
sampling = false;
await sampler;
const status = await page.$eval('[data-testid=load-status]', (el) => ({ events: Number(el.dataset.events), errors: Number(el.dataset.errors) }));
const issues = await page.$$eval('[data-testid=ledger-row] .issue', (els) => els.map((e) => e.textContent));
const w = await wasm();
const size = fs.statSync(file).size;
console.log(`${file}: ${MB(size)} MB, ${status.events} events, ${status.errors} skipped, loaded in ${secs.toFixed(2)} s (${Math.round(status.events / secs)} events/s)`);
for (const i of issues) console.log(`  issue: ${i}`);
console.log(`wasm memory (its peak): worker ${MB(w.worker)} MB, page ${MB(w.page)} MB`);
console.log(`Chromium during the load: peak RSS ${MB(peak.rss)} MB, peak PSS ${MB(peak.pss)} MB (idle app: RSS ${MB(idle.rss)} MB, PSS ${MB(idle.pss)} MB)`);
if (log.errors.length) console.log('page errors:', log.errors);
await browser.close();
srv.server.close();
