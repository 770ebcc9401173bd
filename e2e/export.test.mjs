// Exports of the view as a user makes them, in parts: a real multi-file set loaded, each
// format exported with a click and saved, and the file checked against the view (count,
// first and last rows, only matches when filtered). `export-part=65536` in the address
// makes the page ask for small parts, so the files are many parts joined in the browser.
// An export the data changes under ends with a message, never a mixed file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, waitDone, fixtures, walk, holdWorker, dropSmallFiles } from './harness.mjs';

const PART = 65536;
const env = suite();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-export-'));

const count = (page) => page.$eval('[data-testid=match-count]', (el) => Number(el.dataset.count));
const untilCount = (page, n) => page.waitForFunction(
  (n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n), n);

async function loadRealFixtures(page) {
  const dir = path.join(fixtures, 'real');
  const files = walk(dir).filter((f) => !f.endsWith('.md')).map((f) => path.join(dir, f));
  await page.setInputFiles('[data-testid=file-input]', files);
  const { events } = await waitDone(page);
  await untilCount(page, events);
  return events;
}

// The view's first and last rows' eventIDs: the last drawn once the table is scrolled to
// its end (row n is aria-rowindex n + 1, after the header).
async function ends(page) {
  const n = await count(page);
  const first = await page.getAttribute('[data-testid=event-row][aria-rowindex="2"]', 'data-event-id');
  await page.$eval('[data-testid=event-table]', (el) => { el.scrollTop = el.scrollHeight; });
  const last = await page.getAttribute(`[data-testid=event-row][aria-rowindex="${n + 1}"]`, 'data-event-id');
  await page.$eval('[data-testid=event-table]', (el) => { el.scrollTop = 0; });
  return { n, first, last };
}

// Every text the export status shows, from now on (a part's progress may be drawn and
// replaced between two looks, so it is recorded as it changes).
const watchStatus = (page) => page.evaluate(() => {
  window.exportStatus = [];
  new MutationObserver(() => {
    const s = document.querySelector('[data-testid=export-status]')?.textContent;
    if (s && s !== window.exportStatus.at(-1)) window.exportStatus.push(s);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
});

// Clicks an export button and saves the file: its path.
async function exportAs(page, format) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`[data-testid=export-${format}]`),
  ]);
  assert.equal(download.suggestedFilename(), `cloudtrail-export.${format}`);
  const file = path.join(tmp, `${format}-${Date.now()}.${format}`);
  await download.saveAs(file);
  return file;
}

// RFC 4180: rows of fields (quoted fields may hold commas, quotes and line breaks).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i++;
    } else field += c;
  }
  assert.ok(!quoted && field === '' && row.length === 0, 'the CSV ends with a whole row');
  return rows;
}

// The eventIDs of an exported file, in order.
function eventIds(format, file) {
  const text = fs.readFileSync(file, 'utf8');
  if (format === 'json') return JSON.parse(text).Records.map((r) => r.eventID ?? '');
  if (format === 'ndjson') {
    assert.ok(text.endsWith('\n'));
    return text.slice(0, -1).split('\n').map((l) => JSON.parse(l).eventID ?? '');
  }
  const [header, ...rows] = parseCsv(text);
  assert.equal(header[0], 'Event ID');
  assert.ok(rows.every((r) => r.length === header.length));
  return rows.map((r) => r[0]);
}

test('each format exports the view in many parts, joined into one file that matches it', async () => {
  const { page, log } = await env.open(`#export-part=${PART}`);
  const events = await loadRealFixtures(page);
  // The events that have an eventID (some fixtures have none), so the ends can be told.
  await page.fill('[data-testid=query]', 'eventID:*');
  await page.waitForFunction((all) => Number(document.querySelector('[data-testid=match-count]').dataset.count) < all, events);
  await page.waitForSelector('[data-testid=event-table][data-stale=false]');
  const view = await ends(page);
  assert.ok(view.n > events / 2, `${view.n} of ${events}`);
  assert.ok(view.first && view.last && view.first !== view.last, JSON.stringify(view));
  await watchStatus(page);
  for (const format of ['json', 'ndjson', 'csv']) {
    await page.evaluate(() => { window.exportStatus = []; });
    const file = await exportAs(page, format);
    const size = fs.statSync(file).size;
    assert.ok(size > 8 * PART, `${format}: ${size} bytes is not many parts`);
    const ids = eventIds(format, file);
    assert.equal(ids.length, view.n, format);
    assert.equal(ids[0], view.first, format);
    assert.equal(ids.at(-1), view.last, format);
    // Progress was shown part by part, and is gone once the file is saved.
    const seen = await page.evaluate(() => window.exportStatus);
    const between = seen.map((s) => /^Exporting… (\d+)%$/.exec(s)).filter((m) => m && m[1] > 0 && m[1] < 100);
    assert.ok(between.length >= 2, `${format}: ${JSON.stringify(seen)}`);
    await page.waitForSelector('[data-testid=export-status]', { state: 'detached' });
  }

  // A filtered view exports only its matches.
  await page.fill('[data-testid=query]', 'eventID:* AND eventSource:iam.amazonaws.com');
  await page.waitForFunction((all) => Number(document.querySelector('[data-testid=match-count]').dataset.count) < all, view.n);
  await page.waitForSelector('[data-testid=event-table][data-stale=false]');
  const filtered = await ends(page);
  assert.ok(filtered.n > 10, JSON.stringify(filtered));
  const file = await exportAs(page, 'ndjson');
  const records = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.length, filtered.n);
  assert.ok(records.every((r) => r.eventSource === 'iam.amazonaws.com'));
  assert.equal(records[0].eventID, filtered.first);
  assert.equal(records.at(-1).eventID, filtered.last);
  assert.deepEqual(log.errors, []);
});

test('while an export runs its buttons wait; files loaded under it end it with a message', async () => {
  const { page, log } = await env.open(`#export-part=${PART}`);
  await loadRealFixtures(page);
  let downloads = 0;
  page.on('download', () => { downloads += 1; });

  // Which files the page has sent the worker: a message holding their text says so.
  await page.evaluate(() => {
    const post = Worker.prototype.postMessage;
    window.sent = [];
    Worker.prototype.postMessage = function (message, ...rest) {
      if (message instanceof Uint8Array) window.sent.push(new TextDecoder().decode(message));
      return post.call(this, message, ...rest);
    };
  });

  // The worker held: the export has started and shows it, and no second one can start.
  const gate = await holdWorker(env.srv, page, 'export-running');
  await page.click('[data-testid=export-json]');
  await page.waitForSelector('[data-testid=export-status][data-state=running]');
  for (const format of ['json', 'ndjson', 'csv']) {
    assert.ok(await page.isDisabled(`[data-testid=export-${format}]`), format);
  }
  // Files dropped meanwhile reach the worker after the export began and before its
  // first part is asked for: that part would be of other data.
  await dropSmallFiles(page, 3, 'during-export');
  await page.waitForFunction(() => window.sent.some((m) => m.includes('during-export-2')));
  await gate.release();
  assert.equal(await gate.held, 'open');
  await page.waitForSelector('[data-testid=export-status][data-state=failed]');
  assert.equal(await page.textContent('[data-testid=export-status]'), 'the data changed during the export; export again');
  await waitDone(page);
  for (const format of ['json', 'ndjson', 'csv']) {
    assert.ok(await page.isEnabled(`[data-testid=export-${format}]`), format);
  }

  // Exported again, the file is whole: every event, the new ones too.
  const n = await count(page);
  assert.equal(n, (await page.$eval('[data-testid=load-status]', (el) => Number(el.dataset.events))));
  const file = await exportAs(page, 'json');
  const ids = JSON.parse(fs.readFileSync(file, 'utf8')).Records.map((r) => r.eventID);
  assert.equal(ids.length, n);
  assert.ok(ids.includes('during-export-2'));
  assert.equal(downloads, 1);
  await page.waitForSelector('[data-testid=export-status]', { state: 'detached' });
  assert.deepEqual(log.errors, []);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
