// Loading files in the real app in headless Chromium: the file input, a folder, a
// synthetic drop, the sample, hostile input, and cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { suite, waitDone, ledger, walk, fixtures, dropAndCancel } from './harness.mjs';

const env = suite();

const open = () => env.open();

// What each fixture must give (from its SOURCES.md description, not from our output).
const EXPECTED = {
  'real/loki/cloudtrail-log-file.json.gz': ['cloudtrail-records', 2, 0],
  'real/elastic-integrations/test-cloudtrail-digest-json.log': ['cloudtrail-digest', 0, 0],
  'real/elastic-integrations/test-put-object-json.log': ['single-record', 1, 0],
  'real/plaso/aws_cloudtrail.jsonl': ['lookup-events-ndjson', 6, 0],
  'real/otel-collector-contrib/cloudtrail_log_cw.json': ['cloudwatch-logs-subscription', 1, 0],
  'real/bob-cloudgoat-ass/event_history.csv': ['console-csv', 292, 0],
  'real/gi11rl-CloudGoat/event_history.csv': ['console-csv', 157, 0],
  'real/sustainable-personal-accounts/queued-event-template.json': ['sqs-batch', 1, 0],
  'real/sustainable-personal-accounts/sample-aws-organizations-event.json': ['eventbridge', 1, 0],
  'real/cloud-custodian/event-cloud-trail-run-instances.json': ['single-record', 1, 0],
  'real/stratus-red-team/aws.execution.ssm-send-command.json': ['json-array', 56, 0],
  'real/aws-cloudtrail-processing-library/SerializerTestFileCompact.json.gz': ['cloudtrail-records', 6, 0],
  'real/aws-cloudtrail-processing-library/SerializerTestFileBadJsonFormat.json': ['cloudtrail-records', 1, 1],
  // 37 records: 8 reuse another record's eventID with another time or name (kept since
  // one event is eventID + time + name + source); skipped: the cut start and the shell
  // prompt pasted after the end.
  'real/thm2024/cloudtrail.json': ['json-fragment', 37, 2],
  'damaged/empty.json': ['empty', 0, 1],
  'damaged/garbage.json.gz': ['unrecognized', 0, 1],
  'damaged/plain-text-named.json.gz': ['cloudtrail-records', 1, 0],
  'damaged/bom.json': ['cloudtrail-records', 1, 0],
  'damaged/invalid-record.json': ['cloudtrail-records', 2, 1],
  'damaged/truncated-records.json': ['cloudtrail-records', 2, 1],
  'damaged/truncated.json.gz': ['cloudtrail-records', 5, 2],
  'damaged/bad-line.ndjson': ['ndjson-records', 2, 1],
  'damaged/deep-nesting.json': ['cloudtrail-records', 2, 0],
  'damaged/sqs-not-cloudtrail.json': ['sqs-batch', 0, 1],
};

test('the file input loads real and damaged files, with a ledger row for each', async () => {
  const { page, log } = await open();
  const files = Object.keys(EXPECTED).map((f) => path.join(fixtures, f));
  await page.setInputFiles('[data-testid=file-input]', files);
  const status = await waitDone(page);
  assert.equal(status.files, files.length);
  const rows = await ledger(page);
  assert.equal(rows.length, files.length);
  // The input gives bare names, and two CSVs share one: compare per name, as sets.
  const byName = (list) => list.map(([name, ...v]) => `${name} ${v.join(' ')}`).sort();
  assert.deepEqual(
    byName(rows.map((r) => [r.file, r.format, r.events, r.skipped])),
    byName(Object.entries(EXPECTED).map(([f, v]) => [path.basename(f), ...v])),
  );
  // Every problem names where it is.
  const truncated = rows.find((r) => r.file === 'truncated.json.gz');
  assert.match(truncated.text, /gzip stream is cut off/);
  assert.match(truncated.text, /line 1, column \d+ \(byte \d+\): file is cut off here/);
  assert.match(rows.find((r) => r.file === 'invalid-record.json').text,
    /line 3, column 1 \(byte 336\): record cut off at byte 396 \(expected `,` or `\}`\); recovered at byte 433/);
  assert.ok(rows.some((r) => r.file === 'event_history.csv' && /scientific notation/.test(r.text)));
  assert.equal(status.errors, rows.reduce((n, r) => n + r.skipped, 0));
  assert.equal(status.events, rows.reduce((n, r) => n + r.events, 0));
  // The table shows the events; the page and worker raised no error.
  assert.ok(await page.locator('[data-testid=event-row]').count() > 10);
  assert.equal(log.workers, 1, 'parsing ran in a Web Worker');
  assert.deepEqual(log.errors, []);
});

test('a folder picked with "Open folder" keeps relative paths and dedupes overlapping files', async () => {
  const { page, log } = await open();
  const dir = path.join(fixtures, 'real', 'invictus-aws_dataset');
  await page.setInputFiles('[data-testid=folder-input]', dir);
  const first = await waitDone(page);
  const names = walk(dir);
  assert.equal(first.files, names.length);
  const rows = await ledger(page);
  for (const n of names) {
    assert.ok(rows.some((r) => r.file === `invictus-aws_dataset/${n}`), `row for ${n}`);
  }
  assert.ok(first.events > 1000);
  // The same folder again: every event is a duplicate, the count does not move.
  await page.setInputFiles('[data-testid=folder-input]', dir);
  await page.waitForFunction((n) => document.querySelector('[data-testid=load-status]').dataset.files === String(n), names.length * 2);
  const second = await waitDone(page);
  assert.equal(second.events, first.events);
  assert.deepEqual(log.errors, []);
});

test('a synthetic drop of a folder-like set of files loads them all', async () => {
  const { page, log } = await open();
  const set = ['real/loki/cloudtrail-log-file.json.gz', 'real/plaso/aws_cloudtrail.jsonl',
    'real/stratus-red-team/aws.defense-evasion.organizations-leave.json', 'damaged/invalid-record.json'];
  const payload = set.map((f) => ({ name: f, b64: fs.readFileSync(path.join(fixtures, f)).toString('base64') }));
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    const target = document.querySelector('.app');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
  const status = await waitDone(page);
  assert.equal(status.files, set.length);
  assert.equal(status.events, 2 + 6 + 3 + 2);
  assert.equal(status.errors, 1);
  const rows = await ledger(page);
  assert.equal(rows.length, set.length);
  assert.deepEqual(log.errors, []);
});

test('the sample loads, rows open the detail pane, and j/k move the selection', async () => {
  const { page, log } = await open();
  await page.click('[data-testid=load-sample]');
  const status = await waitDone(page);
  assert.ok(status.events > 400);
  assert.equal(status.errors, 0);
  const rows = page.locator('[data-testid=event-row]');
  // The table draws its first rows once the Events tab has its answer (after "done").
  await rows.first().waitFor();
  // Virtualised: far fewer rows in the DOM than events.
  const inDom = await rows.count();
  assert.ok(inDom > 10 && inDom < status.events, `rows in DOM: ${inDom}`);
  // The starter watch rules run without opening their tab: matching rows carry badges.
  await page.waitForSelector('[data-testid=event-row] [data-testid=rule-badge]');
  const firstId = await rows.nth(0).getAttribute('data-event-id');
  await rows.nth(0).click();
  await page.waitForSelector(`[data-testid=detail][data-event-id="${firstId}"]`);
  const secondId = await rows.nth(1).getAttribute('data-event-id');
  await page.locator('[data-testid=event-table]').press('j');
  await page.waitForSelector(`[data-testid=detail][data-event-id="${secondId}"]`);
  assert.match(await page.textContent('[data-testid=detail]'), /"eventID": "/);
  // Scrolling to the end fetches the last page.
  await page.$eval('[data-testid=event-table]', (el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=event-row]')]
    .some((r) => Number(r.style.top.replace('px', '')) > 26 * 400));
  assert.deepEqual(log.errors, []);
});

test('script in log strings is shown as text and never runs', async () => {
  const { page, log } = await open();
  await page.setInputFiles('[data-testid=file-input]', path.join(fixtures, 'damaged', 'script-in-strings.json'));
  await waitDone(page);
  const row = page.locator('[data-testid=event-row][data-event-id="xss-1"]');
  await row.click();
  await page.waitForSelector('[data-testid=detail][data-event-id="xss-1"]');
  await row.hover();
  assert.match(await row.textContent(), /<img src=x onerror=/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('img[src=x]').count(), 0);
  assert.deepEqual(log.dialogs, []);
  assert.deepEqual(log.errors, []);
});

test('cancel stops a long load and keeps what was loaded', async () => {
  const { page, log } = await open();
  // The worker is held on a request the test answers: the first batch waits in it, so
  // the load is still running when the click lands however fast the machine is. 4,000
  // small files: 16 batches.
  const status = await dropAndCancel(env.srv, page, 4000, 'c');
  assert.ok(status.files > 0 && status.files < 4000, `files loaded before cancel: ${status.files}`);
  assert.equal(status.events, status.files);
  assert.deepEqual(log.errors, []);
});
