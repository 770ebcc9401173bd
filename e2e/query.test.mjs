// The search box: queries in the timeline's language run in the worker; errors show
// inline while typing, with their position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, waitDone } from './harness.mjs';

const env = suite();

const count = (page) => page.$eval('[data-testid=match-count]', (el) => Number(el.dataset.count));

test('typed queries filter the table; invalid ones say where they are wrong', async () => {
  const { page, log } = await env.open();
  await page.click('[data-testid=load-sample]');
  const { events } = await waitDone(page);
  // The count is drawn once the Events tab has its answer (after "done").
  await page.waitForSelector('[data-testid=match-count]');
  assert.equal(await count(page), events);

  // The sample (src/sample.rs) has five CreateAccount calls and three results.
  await page.fill('[data-testid=query]', 'eventName:CreateAccount*');
  await page.waitForFunction(() => document.querySelector('[data-testid=match-count]').dataset.count === '8');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 8);
  const names = await page.$$eval('[data-testid=event-row] .c-name', (c) => c.map((e) => e.textContent));
  assert.ok(names.every((n) => n.startsWith('CreateAccount')), names.join());

  // Boolean logic and _exists_: the refused CreateAccount is the only one with an error.
  await page.fill('[data-testid=query]', 'eventName:CreateAccount AND _exists_:errorCode');
  await page.waitForFunction(() => document.querySelector('[data-testid=match-count]').dataset.count === '1');

  // An unfinished query is an error with a position; the last good result is not shown
  // as if it answered it (the table says it is stale, and draws no rows).
  await page.fill('[data-testid=query]', 'eventName:(CreateAccount OR');
  const error = await page.waitForSelector('[data-testid=query-error]');
  assert.match(await error.textContent(), /\d/);
  await page.waitForSelector('[data-testid=event-table][data-stale=true]');
  assert.equal(await page.$eval('[data-testid=match-count]', (el) => el.dataset.count), '');

  // Clearing the box shows everything again.
  await page.fill('[data-testid=query]', '');
  await page.waitForFunction((n) => document.querySelector('[data-testid=match-count]').dataset.count === String(n), events);
  assert.equal(await page.locator('[data-testid=query-error]').count(), 0);
  assert.deepEqual(log.errors, []);
});
