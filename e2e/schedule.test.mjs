// The worker answers a query ahead of long work (src/session/schedule.rs): a rule saved,
// then a query typed and run while the rules are evaluated over every event. The worker is
// held (harness.holdWorker) while both are asked, so both are queued when it goes on, and
// `slice=1` in the address makes it work one step (64 events) per task: the query must be
// drawn while the Rules tab still says the new rule set is being evaluated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { suite, waitDone, fixtures, holdWorker } from './harness.mjs';

const env = suite();

test('a query typed while the rules are evaluated is answered before them', async () => {
  const { page, log } = await env.open('#slice=1');
  await page.evaluate(() => localStorage.clear());
  await page.setInputFiles('[data-testid=folder-input]', path.join(fixtures, 'real'));
  const { events } = await waitDone(page);
  assert.ok(events > 3000, `${events} events: many steps of 64`);
  await page.waitForFunction((n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n), events);

  await page.click('[data-testid=tab-rules]');
  const rulesSettled = () => page.waitForFunction(() => {
    const v = document.querySelector('[data-testid=rules-view]');
    return v && v.dataset.evaluated !== '' && v.dataset.evaluated === v.dataset.generation;
  });
  await rulesSettled();
  await page.fill('[data-testid=rule-name]', 'Describe calls');
  await page.fill('[data-testid=rule-pattern]', '{"detail":{"eventName":[{"prefix":"Describe"}]}}');
  await page.waitForSelector('[data-testid=rule-ok]');

  // Each change of the count and of the rules' state, in the order the page drew them.
  await page.evaluate(() => {
    const seen = (window.seen = []);
    const note = () => {
      const count = document.querySelector('[data-testid=match-count]')?.dataset.count ?? '';
      const v = document.querySelector('[data-testid=rules-view]');
      const rules = v.dataset.evaluated !== '' && v.dataset.evaluated === v.dataset.generation ? 'settled' : 'working';
      const last = seen[seen.length - 1];
      if (!last || last.count !== count || last.rules !== rules) seen.push({ count, rules });
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, attributes: true, childList: true });
  });

  const gate = await holdWorker(env.srv, page, 'rules');
  await page.click('[data-testid=rule-save]');
  await page.waitForSelector('[data-testid=rule][data-name="Describe calls"]', { state: 'attached' });
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=query]', 'eventSource:ec2.amazonaws.com');
  await page.press('[data-testid=query]', 'Enter');
  await page.waitForSelector('[data-testid=event-table][data-stale=true]', { state: 'attached' });
  await gate.release();
  assert.equal(await gate.held, 'open', 'the worker was held');

  await rulesSettled();
  await page.waitForSelector('[data-testid=event-table][data-stale=false]', { state: 'attached' });
  const final = await page.$eval('[data-testid=match-count]', (el) => el.dataset.count);
  assert.ok(Number(final) > 0 && Number(final) < events, `${final} of ${events}`);
  const seen = await page.evaluate(() => window.seen);
  const answered = seen.findIndex((s) => s.count === final);
  assert.ok(answered >= 0, JSON.stringify(seen));
  assert.equal(seen[answered].rules, 'working', `the count came first: ${JSON.stringify(seen)}`);
  assert.ok(seen.slice(answered).some((s) => s.rules === 'settled'), JSON.stringify(seen));
  // The new rule's badges are on the rows once its answer is in.
  await page.waitForSelector('[data-testid=event-row] [data-testid=rule-badge]');
  assert.deepEqual(log.errors, []);
});
