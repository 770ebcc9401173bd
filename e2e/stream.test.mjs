// Big files are read in slices and streamed through the worker's ingester: a generated
// .json.gz above the slicing threshold (16 MiB) loads every event with nothing lost, and a
// cut-off one keeps every record that decompressed before the cut and says where it stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { suite, waitDone, ledger } from './harness.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-stream-'));
const env = suite({ cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) });

const EVENTS = 25_000;

// `{"Records":[...]}` as S3 delivers it, about 40 MB of JSON. Each record carries random
// bytes (as base64) so gzip can't shrink the file below the threshold. Returns the JSON
// and where each record ends in it.
function records() {
  const start = Date.UTC(2024, 0, 1);
  const ends = [];
  const parts = ['{"Records":['];
  let length = parts[0].length;
  for (let i = 0; i < EVENTS; i++) {
    const rec = JSON.stringify({
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
      eventTime: new Date(start + i * 1000).toISOString().replace('.000Z', 'Z'),
      eventSource: 's3.amazonaws.com',
      eventName: i % 7 === 0 ? 'PutObject' : 'GetObject',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.5',
      userAgent: 'aws-cli/2.15.0',
      requestParameters: { bucketName: 'trail-logs', key: crypto.randomBytes(900).toString('base64') },
      responseElements: null,
      requestID: crypto.randomBytes(8).toString('hex'),
      eventID: `big-${i}`,
      readOnly: i % 7 !== 0,
      eventType: 'AwsApiCall',
      recipientAccountId: '111122223333',
    });
    const sep = i === 0 ? '' : ',';
    parts.push(sep + rec);
    length += sep.length + rec.length;
    ends.push(length);
  }
  parts.push(']}');
  return { json: Buffer.from(parts.join('')), ends };
}

const { json, ends } = records();
const gz = zlib.gzipSync(json, { level: 1 });
const whole = path.join(dir, '111122223333_CloudTrail_us-east-1_20240101T0000Z_big.json.gz');
fs.writeFileSync(whole, gz);
// Cut at three quarters: still above the threshold, so it is sliced too.
const cutBytes = gz.subarray(0, Math.floor(gz.length * 0.75));
const cut = path.join(dir, '111122223333_CloudTrail_us-east-1_20240101T0000Z_cut.json.gz');
fs.writeFileSync(cut, cutBytes);

test('the generated file is big enough to be read in slices', () => {
  assert.ok(json.length > 38e6, `JSON ${json.length}`);
  assert.ok(gz.length > 16 * 2 ** 20 && cutBytes.length > 16 * 2 ** 20, `gzip ${gz.length}`);
});

/// Loads one file through the file input, and records whether the progress bar ever
/// stood between empty and full while the (single) file loaded: slices report progress,
/// a whole file would jump from 0 to done.
async function loadOne(page, file) {
  const partial = page.waitForFunction(() => {
    const bar = document.querySelector('[data-testid=load-status] progress');
    const v = bar ? Number(bar.value) : 0;
    return v > 0 && v < 1;
  }, null, { timeout: 60_000 });
  await page.setInputFiles('[data-testid=file-input]', file);
  const status = await waitDone(page);
  const sliced = await partial.then(() => true, () => false);
  return { status, sliced };
}

test('a .json.gz over the threshold streams in slices: every event, nothing lost', async () => {
  const { page, log } = await env.open();
  const { status, sliced } = await loadOne(page, whole);
  assert.ok(sliced, 'progress moved while the one file loaded (it was sent in slices)');
  assert.equal(status.files, 1);
  assert.equal(status.events, EVENTS);
  assert.equal(status.errors, 0);
  const [row] = await ledger(page);
  assert.equal(row.format, 'cloudtrail-records');
  assert.equal(row.events, EVENTS);
  assert.equal(row.skipped, 0);
  assert.equal(await page.locator('[data-testid=ledger-row] .issue').count(), 0);
  // The table fills once the Events tab has its answer (after "done").
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length > 10, null, { timeout: 30_000 });
  assert.deepEqual(log.errors, []);
});

test('a cut-off big .json.gz keeps every record that decompressed and reports the cut', async () => {
  // What decompresses before the cut, and the records whole in it.
  const partialJson = zlib.gunzipSync(cutBytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const expected = ends.filter((e) => e <= partialJson.length).length;
  assert.ok(expected > 1000 && expected < EVENTS, `${expected}`);

  const { page, log } = await env.open();
  const { status } = await loadOne(page, cut);
  assert.equal(status.files, 1);
  assert.equal(status.events, expected);
  const [row] = await ledger(page);
  assert.equal(row.format, 'cloudtrail-records');
  assert.equal(row.events, expected);
  // The gzip cut, and where the text stops (inside the record after the last kept one).
  assert.equal(row.skipped, 2);
  assert.match(row.text, /gzip stream is cut off/);
  const at = ends[expected - 1] + 1; // after the last kept record, a comma, then the cut one's `{`
  assert.match(row.text, new RegExp(`line 1, column ${at + 1} \\(byte ${at}\\): file is cut off here`));
  assert.equal(status.errors, 2);
  assert.deepEqual(log.errors, []);
});
