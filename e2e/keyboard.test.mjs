// Keyboard-only use of the Events tab and the tab bar: `/` jumps to the query, `?` shows
// the shortcuts, arrows move between tabs, the facets and the histogram's brush work
// without a mouse, and focus is always somewhere visible.
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

const count = (page) => page.$eval('[data-testid=match-count]', (el) => Number(el.dataset.count));
const untilCount = (page, n) => page.waitForFunction(
  (n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n), n);
const query = (page) => page.$eval('[data-testid=query]', (el) => el.value);
// What has focus: its test id (or its value's, for a facet value's buttons), its facet
// value's field, value and state, and whether its focus ring shows.
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  const item = a?.closest('[data-testid=facet-value]');
  return {
    testid: a?.dataset.testid ?? (item ? 'facet-pick' : a?.tagName),
    field: item?.dataset.field, value: item?.dataset.value, count: Number(item?.dataset.count),
    chosen: item?.dataset.chosen, label: a?.getAttribute('aria-label') ?? a?.textContent, pressed: a?.getAttribute('aria-pressed'),
    ring: a ? getComputedStyle(a).outlineStyle : 'none',
  };
});
const until = (page, what) => page.waitForFunction(what);
// Presses Tab (Shift+Tab with `back`) until the focused element matches `selector`;
// the stops passed on the way, for the failure message.
async function tabTo(page, selector, back = false) {
  const path = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const { at, hit } = await page.evaluate((sel) => {
      const a = document.activeElement;
      return { at: a?.dataset.testid ?? a?.closest('[data-testid]')?.dataset.testid ?? a?.tagName, hit: !!a?.matches(sel) };
    }, selector);
    path.push(at);
    if (hit) return path;
  }
  throw new Error(`Tab never reached ${selector}: ${path.join(' → ')}`);
}
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The ISO text the time chip shows for epoch milliseconds (no `.000`).
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

test('facets and the histogram brush by keyboard alone', async () => {
  const { page, log } = await env.open();
  await page.focus('[data-testid=load-sample]');
  await page.keyboard.press('Enter');
  const { events } = await waitDone(page);
  await untilCount(page, events);

  // From the query box, Tab reaches the first service: one tab stop per facet.
  await page.keyboard.press('/');
  await until(page, () => document.activeElement?.dataset.testid === 'query');
  await tabTo(page, '[data-testid=facet-value][data-field=eventSource] .pick');
  const sources = await page.$$eval('[data-testid=facet-value][data-field=eventSource]',
    (els) => els.map((e) => ({ value: e.dataset.value, count: Number(e.dataset.count) })));
  assert.ok(sources.length >= 3, JSON.stringify(sources));
  let at = await focused(page);
  assert.equal(at.value, sources[0].value);
  assert.equal(at.ring, 'solid');
  assert.equal(at.pressed, 'false');
  assert.equal(await page.$$eval('[data-testid=facet][data-field=eventSource] [tabindex="0"]', (e) => e.length), 1);
  // The ⊘ shows while its value has focus (it is hidden otherwise until hover).
  const visibility = (field, value) => page.$eval(
    `[data-testid=facet-value][data-field="${field}"][data-value="${value}"] [data-testid=facet-exclude]`,
    (b) => getComputedStyle(b).visibility);
  assert.equal(await visibility('eventSource', sources[0].value), 'visible');
  assert.equal(await visibility('eventSource', sources[1].value), 'hidden');

  // ↓ then End, Home, ↓: the second service. Enter includes it: the query gets the
  // clause, the count is the facet's, and focus stays on it through the redraw.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  assert.equal((await focused(page)).value, sources.at(-1).value);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  const pick = sources[1];
  assert.equal((await focused(page)).value, pick.value);
  await page.keyboard.press('Enter');
  await untilCount(page, pick.count);
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid=facet-value]')?.dataset.chosen === 'include');
  assert.match(await query(page), new RegExp(`eventSource:"?${esc(pick.value)}`));
  at = await focused(page);
  assert.equal(at.value, pick.value);
  assert.equal(at.pressed, 'true');
  assert.match(at.label, new RegExp(`^${esc(pick.value)}: [\\d,]+ events?, included$`));

  // On to the event names (Tab: the facet's heading, then its values). → reaches the
  // ⊘, ← comes back; x excludes the value: the count drops by exactly its count.
  await tabTo(page, '[data-testid=facet-value][data-field=eventName] .pick');
  const name = await focused(page);
  assert.ok(name.count > 0 && name.count <= pick.count, JSON.stringify(name));
  await page.keyboard.press('ArrowRight');
  assert.equal((await focused(page)).testid, 'facet-exclude');
  assert.equal((await focused(page)).label, `exclude ${name.value}`);
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focused(page)).testid, 'facet-pick');
  await page.keyboard.press('x');
  await untilCount(page, pick.count - name.count);
  assert.match(await query(page), /(-|NOT )eventName:/);
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid=facet-value]')?.dataset.chosen === 'exclude');
  at = await focused(page);
  assert.equal(at.value, name.value);
  assert.match(at.label, /, excluded$/);
  // x again undoes it; back in the services (their tab stop is still the chosen one),
  // Enter undoes the inclusion.
  await page.keyboard.press('x');
  await untilCount(page, pick.count);
  await tabTo(page, '[data-testid=facet-value][data-field=eventSource] .pick', true);
  assert.equal((await focused(page)).value, pick.value);
  await page.keyboard.press('Enter');
  await untilCount(page, events);
  assert.equal(await query(page), '');

  // The histogram: Tab reaches the chart, a slider whose value is the cursor's bar.
  await page.keyboard.press('/');
  await until(page, () => document.activeElement?.dataset.testid === 'query');
  await tabTo(page, '[data-testid=histogram-chart]');
  assert.equal((await focused(page)).ring, 'solid');
  const chart = '[data-testid=histogram-chart]';
  assert.equal(await page.getAttribute(chart, 'role'), 'slider');
  const bars = await page.$$eval('[data-testid=histogram-bar]', (b) => b.map((e) => ({
    from: Number(e.dataset.from), to: Number(e.dataset.to), count: Number(e.dataset.count) })));
  assert.ok(bars.length > 3);
  // Three bars around the busiest.
  const busiest = bars.reduce((m, b, i) => (b.count > bars[m].count ? i : m), 0);
  const lo = Math.max(0, Math.min(busiest - 1, bars.length - 3));
  const hi = lo + 3;
  const chosen = bars.slice(lo, hi);
  const sum = chosen.reduce((a, b) => a + b.count, 0);
  assert.ok(sum > 0 && sum < events, `${sum} of ${events}`);

  // → shows the cursor on the first bar; End, Home jump; Escape drops it.
  const cursorAt = (i) => page.waitForSelector(`[data-testid=histogram-cursor][data-index="${i}"]`);
  await page.keyboard.press('ArrowRight');
  await cursorAt(0);
  assert.match(await page.getAttribute(chart, 'aria-valuetext'), new RegExp(`: ${bars[0].count.toLocaleString('en-US')} events?$`));
  await page.keyboard.press('End');
  await cursorAt(bars.length - 1);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=histogram-cursor]', { state: 'detached' });
  assert.match(await page.getAttribute(chart, 'aria-valuetext'), /No bar chosen/);
  await page.keyboard.press('Home');
  await cursorAt(0);
  for (let i = 0; i < lo; i++) await page.keyboard.press('ArrowRight');
  await cursorAt(lo);
  assert.equal(await page.getAttribute(chart, 'aria-valuenow'), String(lo));
  // Shift+→ twice selects three bars from the anchor.
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await cursorAt(hi - 1);
  const selection = await page.$eval('[data-testid=histogram-selection]', (e) => ({
    from: Number(e.dataset.from), to: Number(e.dataset.to), count: Number(e.dataset.count) }));
  assert.deepEqual(selection, { from: chosen[0].from, to: chosen[2].to, count: sum });
  assert.match(await page.getAttribute(chart, 'aria-valuetext'), /\(3 bars\): [\d,]+ events?$/);
  // Enter applies it as the pointer brush would: the chip shows those bars' edges and
  // the count is their sum. Focus stays on the chart.
  await page.keyboard.press('Enter');
  const chip = await page.waitForSelector('[data-testid=time-chip]');
  assert.deepEqual(await chip.evaluate((e) => [e.dataset.from, e.dataset.to]), [iso(chosen[0].from), iso(chosen[2].to)]);
  await untilCount(page, sum);
  await page.waitForSelector('[data-testid=histogram-cursor]', { state: 'detached' });
  assert.equal((await focused(page)).testid, 'histogram-chart');

  // The zoom buttons are on the way back (Shift+Tab), and Enter operates them.
  const path = await tabTo(page, '[data-testid=zoom-out]', true);
  assert.ok(path.includes('zoom-reset'), path.join(' → '));
  await page.keyboard.press('Enter');
  await page.waitForFunction((f) => document.querySelector('[data-testid=time-chip]')?.dataset.from < f, iso(chosen[0].from));
  assert.ok(await count(page) >= sum);
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).testid, 'zoom-reset');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=time-chip]', { state: 'detached' });
  await untilCount(page, events);
  assert.deepEqual(log.errors, []);
});
