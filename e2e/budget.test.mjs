// The memory budget: a load that would take the worker past it stops with a clear
// message and keeps what was loaded; the tab stays alive. The budget is lowered through
// the test-only `#memory-budget=BYTES` in the page address (src/web/worker/mod.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, waitDone, fixtures } from './harness.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-budget-'));
const env = suite({ cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) });
const MiB = 1 << 20;

// Eight NDJSON files of 1 MiB of distinct records: two batches of 4 MiB for the page.
const records = [];
const big = Array.from({ length: 8 }, (_, f) => {
  const lines = [];
  for (let i = 0, size = 0; size < MiB; i += 1) {
    const line = JSON.stringify({
      eventVersion: '1.08', eventTime: new Date(Date.UTC(2024, 0, 1, 0, 0, f * 1000 + i)).toISOString().replace('.000', ''),
      eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7', userAgent: 'aws-cli/2.15.0', eventID: `budget-${f}-${i}`,
      eventType: 'AwsApiCall', recipientAccountId: '111122223333', readOnly: true,
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
      requestParameters: { filler: 'x'.repeat(700) },
    });
    lines.push(line);
    size += line.length + 1;
  }
  records.push(lines.length);
  const file = path.join(dir, `big-${f}.ndjson`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
});
const SMALL = path.join(fixtures, 'real', 'plaso', 'aws_cloudtrail.jsonl');

const message = (page) => page.$eval('[data-testid=over-budget]', (p) => ({
  text: p.textContent, held: Number(p.dataset.held), left: Number(p.dataset.filesLeft),
}));

test('a load past the memory budget stops with a message and keeps what was loaded', async () => {
  // A budget of one byte: the worker's memory at start is over it, so the first batch is
  // refused, nothing is lost, and the message says what the tab holds.
  const first = await env.open('#memory-budget=1');
  await first.page.setInputFiles('[data-testid=file-input]', SMALL);
  assert.equal((await waitDone(first.page)).events, 0);
  const start = await message(first.page);
  assert.match(start.text, /Load stopped: this tab holds .+ and its memory budget is 1 B\. 0 of 1 files were read/);
  assert.equal(start.left, 1);
  assert.ok(start.held > MiB, String(start.held));

  // Room for a few MiB more than the worker holds at start: the small file fits, the first
  // 4 MiB batch may, the rest does not.
  const { page, log } = await env.open(`#memory-budget=${start.held + 6 * MiB}`);
  await page.setInputFiles('[data-testid=file-input]', SMALL);
  assert.equal((await waitDone(page)).events, 6);
  assert.equal(await page.locator('[data-testid=over-budget]').count(), 0);

  await page.setInputFiles('[data-testid=file-input]', big);
  const done = await waitDone(page);
  const stopped = await message(page);
  assert.ok(stopped.left >= 4 && stopped.left <= 8, JSON.stringify(stopped));
  assert.match(stopped.text, new RegExp(`${8 - stopped.left} of 8 files were read and are kept; the other ${stopped.left} were not`));
  assert.ok(stopped.held <= start.held + 6 * MiB + 8 * MiB);
  // What was loaded before is all there, and the tab still answers.
  const read = records.slice(0, 8 - stopped.left).reduce((a, n) => a + n, 0);
  assert.equal(done.events, 6 + read);
  await page.fill('[data-testid=query]', 'eventID:budget-*');
  await page.waitForFunction((n) => document.querySelector('[data-testid=match-count]').dataset.count === String(n), read);
  await page.fill('[data-testid=query]', '-eventID:budget-*');
  await page.waitForFunction(() => document.querySelector('[data-testid=match-count]').dataset.count === '6');
  assert.deepEqual(log.errors, []);
});
