// Browser benchmark of digest validation: loads a signed generated trail (scripts/
// integrity-fixtures.py --sign DIR) through "Open folder" in headless Chromium, times the
// load from the pick to done, then the Integrity tab from the click to its rows (one
// validation of everything: every digest's RSA signature, every listed hash, the coverage
// map). Run once with DIST= a build without src/integrity to compare load times (that build
// has no Integrity tab: only the load is timed). Not a test: figures only.
// Usage: node bench-integrity.mjs DIR
import path from 'node:path';
import { serve, launch, openApp, walk } from './harness.mjs';

const dir = path.resolve(process.argv[2] ?? '../bench-data');
const srv = await serve();
const browser = await launch();
const { page, log } = await openApp(browser.context, srv.url);
const t0 = Date.now();
await page.setInputFiles('[data-testid=folder-input]', dir, { timeout: 600_000 }); // 100,000 paths take minutes to hand over
// Handing the browser the folder takes ~0.8 ms a file here (Playwright and Chromium
// build the FileList before the page sees a change event): not the app's time.
const picked = (Date.now() - t0) / 1000;
await page.waitForSelector('[data-testid=load-status][data-state=done]', { state: 'attached', timeout: 900_000 });
const load = (Date.now() - t0) / 1000;
const events = await page.$eval('[data-testid=load-status]', (e) => e.dataset.events);
// The first Events tab answer is drawn before the validation; the page then asks for it
// and the integrity facet is counted (on a build before the lazy validation, both waits
// end together; one without src/integrity has no such facet).
await page.waitForSelector('[data-testid=event-row]', { timeout: 900_000 });
const rows = (Date.now() - t0) / 1000;
const facet = '[data-testid=facet][data-field=integrity] [data-testid=facet-value]';
let counted = '';
const digests = walk(dir).some((f) => f.includes('CloudTrail-Digest'));
if (digests && await page.locator('[data-testid=tab-integrity]').count()) {
  await page.waitForSelector(facet, { timeout: 900_000 });
  counted = `; integrity facet counted at ${((Date.now() - t0) / 1000).toFixed(2)} s`;
}
console.log(`${walk(dir).length} files handed over in ${picked.toFixed(2)} s, ${events} events loaded in ${load.toFixed(2)} s (${(load - picked).toFixed(2)} s after); first rows at ${rows.toFixed(2)} s${counted}`);
if (digests && await page.locator('[data-testid=tab-integrity]').count()) {
  const t1 = Date.now();
  await page.click('[data-testid=tab-integrity]');
  await page.waitForSelector('[data-testid=integrity-view][data-state=ready]', { state: 'attached', timeout: 900_000 });
  const tab = (Date.now() - t1) / 1000;
  const s = await page.$eval('[data-testid=integrity-summary]', (e) => ({ ...e.dataset }));
  console.log(`Integrity tab drawn in ${tab.toFixed(2)} s: ${s.digestsValid} digests valid, ${s.digestsInvalid} invalid, ${s.digestsUnverifiable} unverifiable; ${s.logsValid} logs valid`);
}
if (log.errors.length) console.log('page errors:', log.errors);
await browser.close();
srv.server.close();
