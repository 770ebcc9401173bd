// Offline digest validation in the real app: the generated, signed trail and each of its
// tampered copies (tests/fixtures/integrity/, scripts/integrity-fixtures.py) picked as a
// folder, then the Integrity tab's rows, summary and coverage map read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { suite, waitDone, fixtures } from './harness.mjs';

const env = suite();
const dir = (name) => path.join(fixtures, 'integrity', name);

const D = 'AWSLogs/o-exampleorg1/111122223333/CloudTrail-Digest/us-east-1/2026/01/01/111122223333_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20260101T';
const digest = (hour) => `${D}${String(hour).padStart(2, '0')}0000Z.json.gz`;
const log = (stamp, unique) => `AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T${stamp}_${unique}.json.gz`;
const ALL_DIGESTS = [0, 1, 2, 3, 4, 5].map(digest).concat([`${D}030000Z_backfill.json.gz`]);

// Each case: the statuses that differ from valid (every other row must be valid).
const CASES = {
  'trail': { digests: {}, logs: {} },
  'edited-log': { digests: {}, logs: { [log('0110Z', 'BBBB')]: 'hash-mismatch' } },
  'missing-log': { digests: {}, logs: { [log('0215Z', 'CCCC')]: 'not-loaded' } },
  'appended-member': { digests: {}, logs: { [log('0420Z', 'DDDD')]: 'trailing-data' } },
  'edited-digest': { digests: { [digest(2)]: 'signature-invalid' }, logs: {} },
  'broken-chain': { digests: { [digest(3)]: 'hash-chain-broken' }, logs: {} },
  'moved-digest': { digests: { [digest(1)]: 'moved' }, logs: {} },
  'wrong-key': { digests: Object.fromEntries(ALL_DIGESTS.map((d) => [d, 'unverifiable'])), logs: {} },
  'no-head-object': { digests: { [digest(5)]: 'unverifiable' }, logs: {} },
  'missing-digest': { digests: { [digest(1)]: 'unverifiable' }, logs: {} },
};

async function openIntegrity(page) {
  await page.click('[data-testid=tab-integrity]');
  await page.waitForSelector('[data-testid=integrity-view][data-state=ready]', { state: 'attached' });
}

async function rows(page, testid) {
  return page.$$eval(`[data-testid=${testid}]`, (els) => Object.fromEntries(els.map((e) => [e.dataset.file, e.dataset.status])));
}

async function loadFolder(page, name) {
  await page.setInputFiles('[data-testid=folder-input]', dir(name));
  return waitDone(page);
}

for (const [name, want] of Object.entries(CASES)) {
  test(`${name}: each digest and log row has exactly its status`, async () => {
    const { page, log: pageLog } = await env.open();
    await loadFolder(page, name);
    await openIntegrity(page);
    const digests = await rows(page, 'integrity-digest');
    // Paths are from AWSLogs/, whatever folder the trail was picked from.
    assert.deepEqual(Object.keys(digests).sort(), [...ALL_DIGESTS].filter((d) => name !== 'missing-digest' || d !== digest(2)).sort());
    for (const [file, status] of Object.entries(digests)) {
      assert.equal(status, want.digests[file] ?? 'valid', file);
    }
    const logs = await rows(page, 'integrity-log');
    for (const [file, status] of Object.entries(logs)) {
      assert.equal(status, want.logs[file] ?? 'valid', file);
    }
    for (const file of Object.keys(want.logs)) assert.ok(file in logs, `row for ${file}`);
    assert.deepEqual(pageLog.errors, []);
  });
}

test('the trail: summary, coverage map with its one gap, chain notes, and each event says who vouches for it', async () => {
  const { page, log } = await env.open();
  await loadFolder(page, 'trail');
  await openIntegrity(page);
  const summary = await page.$eval('[data-testid=integrity-summary]', (e) => ({ ...e.dataset }));
  assert.equal(summary.digestsValid, '7');
  assert.equal(summary.digestsInvalid, '0');
  assert.equal(summary.digestsUnverifiable, '0');
  assert.equal(summary.logsValid, '7');
  assert.equal(summary.logsNotLoaded, '0');
  assert.equal(summary.logsUnvouched, '3', 'the us-west-2 files have no digest');
  const map = await page.$$eval('[data-testid=coverage-row]', (els) => els.map((e) => `${e.dataset.region} ${e.dataset.cells}`));
  assert.deepEqual(map, ['us-east-1 fffeff', 'us-west-2 ff..f.']);
  const gaps = await page.$$eval('[data-testid=coverage-gap]', (els) => els.map((e) => ({ ...e.dataset })));
  assert.deepEqual(gaps, [{ testid: 'coverage-gap', account: '111122223333', region: 'us-west-2', from: '2026-01-01T02:00:00Z', to: '2026-01-01T04:00:00Z' }]);
  assert.equal(await page.locator('[data-testid=chain-note]').count(), 0);

  // The detail pane names the digest that vouches for the selected event's file.
  await page.click('[data-testid=tab-events]');
  await page.click('[data-testid=event-row][data-event-id^="us-east-1-0110-"]');
  const line = page.locator('[data-testid=detail-integrity]');
  await line.waitFor();
  assert.equal(await line.getAttribute('data-state'), 'vouched');
  assert.equal(await line.textContent(), `Its log file is vouched for by digest ${digest(1)}`);
  await page.click('[data-testid=event-row][data-event-id^="us-west-2-0107-"]');
  await page.waitForSelector('[data-testid=detail-integrity][data-state=not-vouched]');
  assert.deepEqual(log.errors, []);
});

test('the Events tab draws its rows before the signatures are checked, then fills in the integrity facet and the vouches', async () => {
  const { page, log } = await env.open();
  await loadFolder(page, 'edited-log');
  // Never opened the Integrity tab: the Events tab asks for the validation itself.
  const facet = '[data-testid=facet][data-field=integrity]';
  await page.waitForSelector(facet);
  assert.equal(await page.locator('[data-testid=facet-pending]').count(), 0);
  const counts = await page.$$eval(`${facet} [data-testid=facet-value]`, (els) => els.map((e) => `${e.dataset.value}=${e.dataset.count}`));
  assert.deepEqual(counts, ['vouched=12', 'not-vouched=6', 'altered=2']);
  // The rows were refreshed with the vouches: the edited file's event says so.
  await page.click('[data-testid=event-row][data-event-id^="us-east-1-0110-"]');
  await page.waitForSelector('[data-testid=detail-integrity][data-state=altered]');
  // And the field answers in the query language.
  await page.fill('[data-testid=query]', 'integrity:altered');
  await page.press('[data-testid=query]', 'Enter');
  await page.waitForSelector('[data-testid=match-count][data-count="2"]');
  assert.deepEqual(log.errors, []);
});

test('chain gaps and restarts are said with their time span', async () => {
  const { page } = await env.open();
  await loadFolder(page, 'missing-digest');
  await openIntegrity(page);
  const gap = await page.$eval('[data-testid=chain-note]', (e) => ({ kind: e.dataset.kind, text: e.textContent }));
  assert.equal(gap.kind, 'gap');
  assert.match(gap.text, /no digest chain between 2026-01-01T02:00:00Z and 2026-01-01T03:00:00Z/);

  const second = await env.open();
  await loadFolder(second.page, 'restarted-chain');
  await openIntegrity(second.page);
  const restart = await second.page.$eval('[data-testid=chain-note]', (e) => ({ kind: e.dataset.kind, text: e.textContent }));
  assert.equal(restart.kind, 'restart');
  assert.match(restart.text, /validation restarted at 2026-01-01T04:00:00Z/);
  assert.deepEqual(await rows(second.page, 'integrity-digest'), Object.fromEntries(ALL_DIGESTS.map((d) => [d, 'valid'])));
});

test('keys dropped after the logs rerun validation, and an altered file shows in the detail pane', async () => {
  const { page, log } = await env.open();
  await loadFolder(page, 'wrong-key');
  await openIntegrity(page);
  assert.equal(await page.$eval('[data-testid=integrity-summary]', (e) => e.dataset.digestsUnverifiable), '7');
  // The right key file, picked on its own later.
  await page.setInputFiles('[data-testid=file-input]', path.join(dir('trail'), 'public-keys-us-east-1.json'));
  await page.waitForSelector('[data-testid=integrity-summary][data-digests-valid="7"]', { state: 'attached' });
  assert.equal(await page.$eval('[data-testid=integrity-summary]', (e) => e.dataset.digestsUnverifiable), '0');

  const other = await env.open();
  await loadFolder(other.page, 'appended-member');
  // The appended member's record is shown (nothing is hidden), marked as its file altered.
  await other.page.click('[data-testid=event-row][data-event-id="us-east-1-0459-9-0000-000000000000"]');
  await other.page.waitForSelector('[data-testid=detail-integrity][data-state=altered]');
  assert.deepEqual(log.errors, []);
  assert.deepEqual(other.log.errors, []);
});
