// The query bar underlines what is wrong, exactly where it is, as the user types: the
// box's own syntax errors at once, and the worker's (a drill-down clause out of place,
// which only the worker knows: the error crosses as data with its span).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, waitDone } from './harness.mjs';

const env = suite();

async function typeQuery(page, text) {
  await page.click('[data-testid=query]');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

// The underline's text and span, once it covers `word`.
async function underline(page, word) {
  await page.waitForFunction(
    (w) => document.querySelector('[data-testid=query-underline]')?.textContent === w, word);
  const mark = page.locator('[data-testid=query-underline]');
  return {
    start: Number(await mark.getAttribute('data-start')),
    end: Number(await mark.getAttribute('data-end')),
    kind: await mark.getAttribute('class'),
  };
}

async function assertMarked(page) {
  const input = page.locator('[data-testid=query]');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  const described = await input.getAttribute('aria-describedby');
  assert.equal(described, 'query-error');
  assert.equal(await page.locator(`#${described}`).count(), 1);
  assert.equal(await page.locator(`#${described}`).getAttribute('data-kind'), 'error');
}

test('a syntax error is underlined as it is typed, before any Enter', async () => {
  const { page, log } = await env.open();
  await page.click('[data-testid=load-sample]');
  await waitDone(page);
  const q = 'eventName:CreateAccount AND errorCode:* OR';
  await typeQuery(page, q);
  // An operator with nothing after it: the OR, nowhere else.
  const at = q.lastIndexOf('OR');
  assert.deepEqual(await underline(page, 'OR'), { start: at, end: at + 2, kind: 'error' });
  await assertMarked(page);
  assert.match(await page.textContent('[data-testid=query-error]'), /OR has nothing to apply to/);
  assert.deepEqual(log.errors, []);
});

test("the worker's error crosses with its span and is underlined there", async () => {
  const { page, log } = await env.open();
  await page.click('[data-testid=load-sample]');
  await waitDone(page);
  // Valid syntax (the box finds nothing), but a drill-down clause inside OR: only the
  // worker says so, and where.
  const clause = 'rule:"Account created"';
  const q = `eventName:CreateAccount OR ${clause}`;
  await typeQuery(page, q);
  await page.keyboard.press('Enter');
  const at = q.indexOf(clause);
  assert.deepEqual(await underline(page, clause), { start: at, end: at + clause.length, kind: 'error' });
  await assertMarked(page);
  assert.match(await page.textContent('[data-testid=query-error]'), /stand on their own/);
  assert.equal(await page.getAttribute('[data-testid=query-error]', 'data-word'), clause);
  // No rows answer it.
  await page.waitForSelector('[data-testid=event-table][data-stale=true]');
  // Fixed (OR → AND, typed), the mark and the error go.
  for (let i = 0; i < clause.length + 1; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('AND');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=event-table][data-stale=false]');
  assert.equal(await page.locator('[data-testid=query-underline]').count(), 0);
  assert.equal(await page.getAttribute('[data-testid=query]', 'aria-invalid'), 'false');
  assert.deepEqual(log.errors, []);
});
