// Keyboard-only use of the Events tab and the tab bar: `/` jumps to the query, `?` shows
// the shortcuts, arrows move between tabs, and focus is always somewhere visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, waitDone } from './harness.mjs';

const env = suite();


test('slash, question mark, arrows and Escape drive the page without a mouse', async () => {
  const { page, log } = await env.open();
  await page.focus('[data-testid=load-sample]');
  await page.keyboard.press('Enter');
  const { events } = await waitDone(page);
  // The box is drawn once the Events tab has its answer (after "done").
  await page.waitForSelector('[data-testid=query]');

  // `/` jumps to the query box from anywhere that is not a text field.
  await page.keyboard.press('/');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'query');
  await page.keyboard.type('eventName:CreateAccount');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=match-count]').dataset.count === '5');
  // In the box, `/` and `?` are characters.
  await page.keyboard.type(' ?');
  assert.equal(await page.locator('[data-testid=shortcuts]').count(), 0);
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');

  // Into the table: j selects, the pane opens, Escape closes it.
  await page.focus('[data-testid=event-table]');
  await page.keyboard.press('j');
  await page.waitForSelector('[data-testid=detail-pane]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=detail-pane]', { state: 'detached' });

  // `?` opens the shortcuts, focused; Escape closes them.
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=shortcuts]');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'shortcuts');
  assert.match(await page.textContent('[data-testid=shortcuts]'), /Jump to the query box/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=shortcuts]', { state: 'detached' });

  // The tab bar: tab roles, arrows move and open, focus follows.
  await page.focus('[data-testid=tab-events]');
  assert.equal(await page.getAttribute('[data-testid=tab-events]', 'role'), 'tab');
  assert.equal(await page.getAttribute('[data-testid=tab-events]', 'aria-selected'), 'true');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=tab-organization][aria-selected=true]');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'tab-organization');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=tab-rules][aria-selected=true]');
  await page.keyboard.press('End');
  await page.waitForSelector('[data-testid=tab-integrity][aria-selected=true]');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=tab-events][aria-selected=true]');
  // `/` from another tab comes back to the Events tab's box.
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector('[data-testid=tab-integrity][aria-selected=true]');
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector('[data-testid=tab-rules][aria-selected=true]');
  await page.keyboard.press('/');
  await page.waitForSelector('[data-testid=tab-events][aria-selected=true]');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'query');
  assert.ok(events > 400);
  assert.deepEqual(log.errors, []);
});
