// The Events tab as a user drives it: facets with live counts, the histogram's brush,
// sort and columns, autocomplete, export and links that restore the view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, waitDone, fixtures, walk } from './harness.mjs';

const env = suite();

const count = (page) => page.$eval('[data-testid=match-count]', (el) => Number(el.dataset.count));
const untilCount = (page, n) => page.waitForFunction(
  (n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n), n);
const facetValues = (page, field) => page.$$eval(`[data-testid=facet-value][data-field="${field}"]`,
  (els) => els.map((e) => ({ value: e.dataset.value, count: Number(e.dataset.count), chosen: e.dataset.chosen })));
const hashParams = (page) => page.evaluate(() => Object.fromEntries(location.hash.slice(1).split('&')
  .filter(Boolean).map((i) => { const k = i.indexOf('='); return k < 0 ? [i, ''] : [i.slice(0, k), decodeURIComponent(i.slice(k + 1))]; })));
const query = (page) => page.$eval('[data-testid=query]', (el) => el.value);

async function loadRealFixtures(page) {
  const dir = path.join(fixtures, 'real');
  const files = walk(dir).filter((f) => !f.endsWith('.md')).map((f) => path.join(dir, f));
  await page.setInputFiles('[data-testid=file-input]', files);
  return waitDone(page);
}

test('facet clicks filter with live counts, write the query, and back undoes them', async () => {
  const { page, log } = await env.open();
  const { events } = await loadRealFixtures(page);
  await untilCount(page, events);

  // Every facet's counts add up to at most the events shown.
  const sources = await facetValues(page, 'eventSource');
  assert.ok(sources.length >= 5, JSON.stringify(sources));
  assert.ok(sources.reduce((a, v) => a + v.count, 0) <= events);

  // Include the second service: the count is exactly what the facet said.
  const pick = sources[1];
  await page.click(`[data-testid=facet-value][data-field=eventSource][data-value="${pick.value}"] .value`);
  await untilCount(page, pick.count);
  assert.match(await query(page), /eventSource:/);
  assert.equal((await hashParams(page)).q, await query(page));
  // Its own facet still lists the other services (counts leave out its own condition)…
  const after = await facetValues(page, 'eventSource');
  assert.equal(after.find((v) => v.value === pick.value).chosen, 'include');
  assert.deepEqual(after.map((v) => v.count).slice(0, 3), sources.map((v) => v.count).slice(0, 3));
  // …while every other facet counts within it.
  const names = await facetValues(page, 'eventName');
  assert.ok(names.reduce((a, v) => a + v.count, 0) <= pick.count);

  // Exclude an event name with the ⊘ button: the count drops by exactly its count.
  const name = names[0];
  await page.hover(`[data-testid=facet-value][data-field=eventName][data-value="${name.value}"]`);
  await page.click(`[data-testid=facet-value][data-field=eventName][data-value="${name.value}"] [data-testid=facet-exclude]`);
  await untilCount(page, pick.count - name.count);
  assert.match(await query(page), /(-|NOT )eventName:/);
  const rows = await page.$$eval('[data-testid=event-row] .c-name', (c) => c.map((e) => e.textContent));
  assert.ok(rows.length > 0 && rows.every((n) => !n.startsWith(name.value)), rows.join());

  // Back undoes the exclusion, then the inclusion.
  await page.goBack();
  await untilCount(page, pick.count);
  await page.goBack();
  await untilCount(page, events);
  assert.equal(await query(page), '');
  assert.deepEqual(log.errors, []);
});

test('brushing the histogram sets a time range that counts, shows and links', async () => {
  const { page, log } = await env.open();
  await page.click('[data-testid=load-sample]');
  const { events } = await waitDone(page);
  await untilCount(page, events);
  const chart = await page.waitForSelector('[data-testid=histogram]');
  const bars = await page.$$eval('[data-testid=histogram-bar]', (b) => b.map((e) => Number(e.dataset.count)));
  assert.ok(bars.length > 3);
  const box = await chart.boundingBox();
  // Drag across the middle third of the chart.
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.65, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const chip = await page.waitForSelector('[data-testid=time-chip]');
  const { from, to } = await chip.evaluate((e) => ({ from: e.dataset.from, to: e.dataset.to }));
  const n = await count(page);
  assert.ok(n > 0 && n < events, `${n} of ${events}`);
  // The zoomed chart's bars hold exactly the events in range.
  await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid=histogram-bar]')]
    .reduce((a, e) => a + Number(e.dataset.count), 0) === n, n);
  // Every row shown is inside the range.
  const times = await page.$$eval('[data-testid=event-row]', (r) => r.map((e) => e.dataset.time));
  assert.ok(times.every((t) => t >= from && t < to), `${from}..${to} ${times.slice(0, 3)}`);
  const hash = await hashParams(page);
  assert.ok(hash.from && hash.to, JSON.stringify(hash));

  // The link restores the range in a new tab (with the same data loaded).
  const { page: other } = await env.open(await page.evaluate(() => location.hash));
  await other.click('[data-testid=load-sample]');
  await waitDone(other);
  await untilCount(other, n);
  await other.close();

  await page.click('[data-testid=clear-time]');
  await untilCount(page, events);
  assert.deepEqual(log.errors, []);
});

test('sort order, columns, autocomplete and a selected event live in the link', async () => {
  const { page, log } = await env.open();
  await page.click('[data-testid=load-sample]');
  const { events } = await waitDone(page);
  await untilCount(page, events);

  const firstTime = () => page.$eval('[data-testid=event-row]', (e) => e.dataset.time);
  const oldest = await firstTime();
  await page.click('[data-testid=sort-toggle]');
  await page.waitForFunction((t) => document.querySelector('[data-testid=event-row]')?.dataset.time > t, oldest);
  assert.equal((await hashParams(page)).sort, 'desc');

  // A column that is off by default.
  await page.click('[data-testid=columns-button]');
  await page.check('[data-testid=column-option][data-column=ip]');
  await page.waitForSelector('.event-head [data-column=ip]');
  assert.match((await hashParams(page)).cols, /ip/);

  // Autocomplete a field, then a value.
  await page.click('[data-testid=query]');
  await page.keyboard.type('eventN');
  await page.waitForSelector('[data-testid=suggestion][data-text=eventName]');
  // Tab takes a suggestion (Enter runs what is typed).
  await page.keyboard.press('Tab');
  assert.equal(await query(page), 'eventName:');
  await page.keyboard.type('CreateAcc');
  const pick = await page.waitForSelector('[data-testid=suggestion][data-text^=CreateAccount]');
  const text = await pick.evaluate((e) => e.dataset.text);
  await pick.click();
  await page.waitForFunction((t) => document.querySelector('[data-testid=query]').value.trim() === `eventName:${t}`, text);
  const n = await count(page);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=match-count]').dataset.count) > 0);

  // Select an event: the link names it, and a new tab opens on it.
  const row = await page.waitForSelector('[data-testid=event-row]:nth-child(2)');
  const id = await row.evaluate((e) => e.dataset.eventId);
  await row.click();
  await page.waitForSelector(`[data-testid=detail][data-event-id="${id}"]`);
  await page.waitForFunction((id) => location.hash.includes('sel=' + encodeURIComponent(id)), id);
  const link = await page.evaluate(() => location.hash);
  const { page: other } = await env.open(link);
  await other.click('[data-testid=load-sample]');
  await waitDone(other);
  await other.waitForSelector(`[data-testid=detail][data-event-id="${id}"]`);
  await other.waitForSelector(`[data-testid=event-row].selected[data-event-id="${id}"]`);
  assert.equal((await hashParams(other)).sort, 'desc');
  await other.waitForSelector('.event-head [data-column=ip]');
  assert.ok(n >= 0);
  await other.close();
  assert.deepEqual(log.errors, []);
});

test('exports hold the filtered events and load back', async () => {
  const { page, log } = await env.open();
  await page.click('[data-testid=load-sample]');
  const { events } = await waitDone(page);
  await page.fill('[data-testid=query]', 'eventSource:organizations.amazonaws.com');
  await page.waitForFunction((all) => Number(document.querySelector('[data-testid=match-count]').dataset.count) < all, events);
  assert.ok(/organizations/.test(await page.evaluate(() => location.hash)));
  const n = await count(page);
  assert.ok(n > 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-export-'));
  const saved = {};
  for (const format of ['json', 'ndjson', 'csv']) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`[data-testid=export-${format}]`),
    ]);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    saved[format] = file;
    assert.ok(file.endsWith('.' + format));
  }
  const json = JSON.parse(fs.readFileSync(saved.json, 'utf8'));
  assert.equal(json.Records.length, n);
  assert.ok(json.Records.every((r) => r.eventSource === 'organizations.amazonaws.com'));
  const lines = fs.readFileSync(saved.ndjson, 'utf8').trim().split('\n');
  assert.equal(lines.length, n);
  lines.forEach((l) => JSON.parse(l));
  const csv = fs.readFileSync(saved.csv, 'utf8').trim().split('\r\n');
  assert.equal(csv.length, n + 1);

  // The JSON export loads back as the same events.
  const { page: fresh } = await env.open();
  await fresh.setInputFiles('[data-testid=file-input]', saved.json);
  const loaded = await waitDone(fresh);
  assert.equal(loaded.events, n);
  await fresh.close();
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(log.errors, []);
});

test('"load only what matches" keeps just those events and counts the rest', async () => {
  const { page, log } = await env.open();
  await page.fill('[data-testid=load-filter]', 'eventName:(');
  await page.waitForSelector('[data-testid=load-filter-error]');
  await page.click('[data-testid=load-filter-orgs]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=load-filter-error]'));
  const { events } = await loadRealFixtures(page);
  await untilCount(page, events);
  const sources = await facetValues(page, 'eventSource');
  assert.deepEqual(sources.map((s) => s.value), ['organizations.amazonaws.com']);
  assert.equal(sources[0].count, events);
  const left = await page.$eval('[data-testid=filtered-count]', (e) => Number(e.dataset.count));
  assert.ok(left > 1000, `${left} left out`);
  assert.deepEqual(log.errors, []);
});
