// End-to-end test of the console in a real Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against a real running Longwatch (local-dev): nothing of the API is mocked.
//
//   LONGWATCH_URL=http://127.0.0.1:8080 LONGWATCH_KEY=lw_... [LONGWATCH_NOW=<epoch ms>] \
//   [SCREENSHOT_DIR=target/console-e2e] [CHROMIUM=/usr/bin/chromium] node e2e/console.e2e.mjs
//
// local-dev's ConsoleBrowserTest starts the platform in-process (a fixed clock: LONGWATCH_NOW) and runs this.
// It ingests its data through the public ingest API, rolls it up with the local admin job, then uses the
// console as a person would. Exit code 0 = every check held; each failed check says what it expected.
import { BASE, KEY, NOW, SHOTS, check, checks, launchChromium, run } from './harness.mjs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import assert from 'node:assert/strict';


// A name of its own per run, so the script can also run against a platform that has seen earlier runs.
const RUN = Date.now().toString(36);
const METRIC = `e2e.latency_ms.${RUN}`;
const EVENT_TITLE = `deploy checkout v42 (${RUN})`;
const MINUTE = 60_000;
const start = Math.floor(NOW / MINUTE) * MINUTE - 30 * MINUTE; // 30 whole minutes, the last one a minute ago
const N = 30;
// Three series with values that tell the groups apart: checkout/prod 100+i, checkout/staging 200+i, cart/prod 300+i.
const SERIES = [
  { tags: { service: 'checkout', env: 'prod' }, base: 100 },
  { tags: { service: 'checkout', env: 'staging' }, base: 200 },
  { tags: { service: 'cart', env: 'prod' }, base: 300 },
];
const EVENT_TIME = start + 20 * MINUTE;
// A second metric for the monitor: checkout's error count is 1, but 50 in minutes 15-19 and 25-29 (two breaches of
// a threshold of 10, the second still going on at the platform's now).
const ERR_METRIC = `e2e.errors.${RUN}`;
const breaching = (i) => (i >= 15 && i < 20) || i >= 25;
const MONITOR_NAME = `E2E checkout errors ${RUN}`;
const ACTOR = 'e2e-oncall';

async function api(method, path, body, key = KEY) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function ingest() {
  const series = SERIES.map((s) => ({ metric: METRIC, type: 'gauge', tags: s.tags,
    points: Array.from({ length: N }, (_, i) => [start + i * MINUTE, s.base + i]) }));
  const accepted = await api('POST', '/v1/metrics', { series });
  assert.equal(accepted.accepted, N * SERIES.length, `ingest accepted ${JSON.stringify(accepted)}`);
  const errors = await api('POST', '/v1/metrics', { series: [{ metric: ERR_METRIC, type: 'gauge', tags: { service: 'checkout' },
    points: Array.from({ length: N }, (_, i) => [start + i * MINUTE, breaching(i) ? 50 : 1]) }] });
  assert.equal(errors.accepted, N, `ingest accepted ${JSON.stringify(errors)}`);
  await api('POST', '/v1/events', { events: [{ id: `e2e-deploy-${RUN}`, title: EVENT_TITLE, kind: 'deploy',
    time: EVENT_TIME, tags: { service: 'checkout' } }] });
  await api('POST', '/v1/admin/jobs/rollup/run', undefined, null);
}

/**
 * Firing periods from a backtest timeline of state transitions, written here independently of the console's
 * code: into FIRING starts one, out of FIRING ends it, still FIRING at the end runs to the range's end.
 */
function periodsOf(timeline, rangeEnd) {
  const out = [];
  let from = null;
  for (const t of [...timeline].sort((a, b) => a.at - b.at)) {
    if (t.to === 'FIRING' && from === null) from = t.at;
    else if (t.to !== 'FIRING' && from !== null) { out.push({ from, to: t.at, open: false }); from = null; }
  }
  if (from !== null) out.push({ from, to: Math.max(from, rangeEnd), open: true });
  return out;
}

/** The rows of the series table: label -> {points, min, max, last}. */
async function seriesTable(page) {
  return page.$$eval('[data-testid=series-table] tbody tr', (rows) => Object.fromEntries(rows.map((r) => {
    const c = [...r.querySelectorAll('td')].map((td) => td.textContent.trim());
    return [c[1], { points: Number(c[2]), min: Number(c[3]), max: Number(c[4]), last: Number(c[5]) }];
  })));
}

/** What uPlot itself shows: its legend labels, and each series' value at the cursor's point. */
async function legendAtCursor(page, fraction) {
  const over = await page.locator('.chart .u-over').boundingBox();
  await page.mouse.move(over.x + over.width * fraction, over.y + over.height / 2);
  return page.$$eval('.chart .u-legend tr.u-series', (rows) => rows.slice(1).map((r) => ({
    label: r.querySelector('.u-label')?.textContent ?? '', value: r.querySelector('.u-value')?.textContent ?? '' })));
}

async function waitForSeries(page, count) {
  await page.waitForFunction((n) => document.querySelector('[data-testid=series-count]')?.textContent === `${n} series`, count,
    { timeout: 15_000 });
}

const timings = []; // reported, not asserted: speed is not a test

async function main() {
  await ingest();
  const browser = await launchChromium();
  const pageErrors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.setDefaultTimeout(15_000);

    await check('a bad API key is refused with the API\'s 401 shown', async () => {
      await page.goto(`${BASE}/`);
      await page.getByLabel('API key').fill('lw_nosuchkey_0000000000000000');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.textContent();
      assert.match(text, /401 Unauthorized/);
      assert.match(text, /sign in again/);
      assert.equal(await page.getByLabel('API key').count(), 1, 'still on the sign-in form');
    });

    await check('the dev key signs in and opens the explorer', async () => {
      await page.getByLabel('API key').fill(KEY);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Metrics explorer' }).waitFor();
      assert.ok(!page.url().includes(KEY), 'the key is not in the URL');
      assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    });

    await check('the ingested metric is listed and its chart plots one combined series', async () => {
      const metric = page.getByLabel('Metric');
      await page.waitForFunction((m) => [...document.querySelectorAll('select[name=metric] option')].some((o) => o.value === m), METRIC);
      const t0 = performance.now();
      await metric.selectOption(METRIC);
      await waitForSeries(page, 1);
      timings.push(`chart drawn ${Math.round(performance.now() - t0)} ms after choosing the metric (query + events + uPlot)`);
      const rows = await seriesTable(page);
      // avg over the three series at minute i: (100+i + 200+i + 300+i) / 3 = 200+i
      assert.deepEqual(rows, { [METRIC]: { points: N, min: 200, max: 200 + N - 1, last: 200 + N - 1 } });
      assert.match(await page.getByTestId('tiers').textContent(), /tiers read: minute/);
      const legend = await legendAtCursor(page, 0.999);
      assert.deepEqual(legend, [{ label: METRIC, value: String(200 + N - 1) }], 'uPlot plots the last point at 229');
      const first = await legendAtCursor(page, 0.001);
      assert.deepEqual(first, [{ label: METRIC, value: '200' }], 'uPlot plots the first point at 200');
    });

    await check('group-by splits the chart into one line per service', async () => {
      await page.locator('input[data-group=service]').check();
      await waitForSeries(page, 2);
      assert.deepEqual(await seriesTable(page), {
        'service:cart': { points: N, min: 300, max: 300 + N - 1, last: 300 + N - 1 },
        'service:checkout': { points: N, min: 150, max: 150 + N - 1, last: 150 + N - 1 },
      });
      const legend = await legendAtCursor(page, 0.999);
      assert.deepEqual(legend, [{ label: 'service:cart', value: '329' }, { label: 'service:checkout', value: '179' }]);
    });

    await check('a tag filter changes the series (env:prod leaves staging out)', async () => {
      await page.locator('select[data-tag=env]').selectOption('=prod');
      await page.waitForFunction(() => document.querySelector('[data-testid=series-table] tr[data-series="service:checkout"] td:nth-child(4)')?.textContent === '100');
      assert.deepEqual(await seriesTable(page), {
        'service:cart': { points: N, min: 300, max: 300 + N - 1, last: 300 + N - 1 },
        'service:checkout': { points: N, min: 100, max: 100 + N - 1, last: 100 + N - 1 },
      });
      const hash = decodeURIComponent(new URL(page.url()).hash);
      assert.ok(hash.includes(`metric=${METRIC}`), hash);
      assert.match(hash, /filter=env:prod/);
      assert.match(hash, /groupBy=service/);
    });

    await check('the deploy event is marked on the chart at its time', async () => {
      const marker = page.locator('.chart .event-marker').and(page.getByLabel(EVENT_TITLE, { exact: false }));
      assert.equal(await marker.count(), 1);
      assert.ok(await marker.isVisible(), 'the marker is visible');
      const over = await page.locator('.chart .u-over').boundingBox();
      const m = await marker.boundingBox();
      const fraction = (m.x + m.width / 2 - over.x) / over.width;
      const expected = (EVENT_TIME - start) / ((N - 1) * MINUTE);
      assert.ok(Math.abs(fraction - expected) < 0.02, `marker at ${fraction.toFixed(3)} of the plot, expected ${expected.toFixed(3)}`);
      assert.ok((await page.getByTestId('events-table').textContent()).includes(EVENT_TITLE));
    });

    await page.screenshot({ path: join(SHOTS, 'explorer.png'), fullPage: true });

    await check('the URL brings the same chart back after a reload', async () => {
      await page.reload();
      await waitForSeries(page, 2);
      assert.equal(await page.getByLabel('Metric').inputValue(), METRIC);
      assert.ok(await page.locator('input[data-group=service]').isChecked());
      assert.equal(await page.locator('select[data-tag=env]').inputValue(), '=prod');
      assert.equal((await seriesTable(page))['service:checkout'].min, 100);
    });

    await check('dragging across the chart zooms into that range (from/to in the URL, fewer points)', async () => {
      const over = await page.locator('.chart .u-over').boundingBox();
      const y = over.y + over.height / 2;
      await page.mouse.move(over.x + over.width * 0.1, y);
      await page.mouse.down();
      await page.mouse.move(over.x + over.width * 0.6, y, { steps: 8 });
      await page.mouse.up();
      await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('from')?.includes('T'));
      const q = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
      const from = Date.parse(q.get('from'));
      const to = Date.parse(q.get('to'));
      // The minute holding `from` is included; `to` is exclusive.
      const first = Math.floor((from - start) / MINUTE);
      const last = Math.ceil((to - start) / MINUTE) - 1;
      assert.ok(first > 0 && last < N - 1 && last > first, `zoomed to minutes ${first}..${last}`);
      await page.waitForFunction((n) => document.querySelector('[data-testid=series-table] tr[data-series="service:checkout"] td:nth-child(3)')?.textContent === String(n), last - first + 1);
      assert.deepEqual((await seriesTable(page))['service:checkout'], { points: last - first + 1, min: 100 + first, max: 100 + last, last: 100 + last });
      assert.equal(await page.getByLabel('Range').inputValue(), 'custom');
    });

    await check('a query the API refuses shows its error with the field', async () => {
      await page.getByLabel('Step').fill('90s');
      await page.getByLabel('Step').press('Tab');
      const alert = page.locator('.results [role=alert]');
      await alert.waitFor();
      const text = await alert.textContent();
      assert.match(text, /400 Bad Request/);
      assert.match(text, /step/);
      await page.screenshot({ path: join(SHOTS, 'explorer-error.png') });
    });

    let monitorId = '';
    await check('a threshold monitor written in the editor backtests to the firing periods the API computes', async () => {
      await page.goto(`${BASE}/#/monitors/new`);
      await page.getByRole('heading', { name: 'New threshold monitor' }).waitFor();
      const fill = async (name, value) => { await page.locator(`form.editor [name=${name}]`).fill(value); };
      await fill('name', MONITOR_NAME);
      await fill('metric', ERR_METRIC);
      await fill('groupBy', 'service');
      await fill('window', '1m');
      await fill('critical', '10');
      await page.getByRole('button', { name: 'Backtest (last 7 days)' }).click();
      const summary = page.getByTestId('backtest-summary');
      await summary.waitFor();
      const shown = await page.$$eval('.backtest .periods li', (lis) => lis.map((li) => ({
        from: Number(li.dataset.from), to: Number(li.dataset.to), open: li.dataset.open === 'true' })));
      const bands = await page.$$eval('.backtest .chart', (cs) => cs.map((c) => Number(c.dataset.bands)));
      // The same monitor, asked of the API directly (the editor's defaults: avg, delay 0m, fire at once).
      const result = await api('POST', '/v1/monitors/backtest', { from: '-7d', to: 'now', monitor: {
        name: MONITOR_NAME, kind: 'threshold', query: { metric: ERR_METRIC, filters: [], groupBy: ['service'], agg: 'avg', window: '1m' },
        condition: { op: 'above', critical: 10 },
        evaluation: { every: '1m', delay: '0m', datapoints: 1, outOf: 1, pendingFor: '0m', keepFiringFor: '0m', noData: 'no_data' } } });
      assert.equal(result.instances.length, 1, `one group: ${JSON.stringify(result.instances.map((i) => i.group))}`);
      assert.deepEqual(result.instances[0].group, { service: 'checkout' });
      const expected = periodsOf(result.instances[0].timeline, result.to);
      assert.equal(expected.length, 2, `the two breaches fire: ${JSON.stringify(result.instances[0].timeline)}`);
      assert.ok(expected[0].from > start + 15 * MINUTE && expected[0].to <= start + 23 * MINUTE, 'the first within the first breach');
      assert.ok(expected[1].open && expected[1].from > start + 25 * MINUTE, 'the second still firing at the end');
      assert.deepEqual(shown, expected, 'the console lists the periods the API\'s transitions give');
      assert.deepEqual(bands, [2], 'and shades both on the one chart');
      assert.equal(await summary.textContent(), '1 group; would have fired 2 times.');
      await page.locator('.backtest .chart canvas').first().waitFor();
      await page.screenshot({ path: join(SHOTS, 'monitor-backtest.png'), fullPage: true });
    });

    await check('creating the monitor saves it through the API', async () => {
      await page.getByRole('button', { name: 'Create monitor' }).click();
      await page.waitForFunction(() => /^#\/monitors\/[^n]/.test(location.hash));
      monitorId = decodeURIComponent(new URL(page.url()).hash.slice('#/monitors/'.length));
      await page.getByRole('heading', { name: 'Edit monitor' }).waitFor();
      const m = await api('GET', `/v1/monitors/${encodeURIComponent(monitorId)}`);
      assert.equal(m.name, MONITOR_NAME);
      assert.deepEqual([m.kind, m.query.metric, m.query.window, m.condition.critical, m.version], ['threshold', ERR_METRIC, '1m', 10, 1]);
      await page.locator('form.editor [name=name]').waitFor();
      await page.waitForFunction((n) => document.querySelector('form.editor [name=name]')?.value === n, MONITOR_NAME);
    });

    let alertId = '';
    await check('the evaluator raises the alert and the alerts page shows it FIRING', async () => {
      await api('POST', '/v1/admin/jobs/evaluator/run', undefined, null);
      const alerts = await api('GET', `/v1/alerts?monitorId=${encodeURIComponent(monitorId)}`);
      assert.equal(alerts.alerts.length, 1, JSON.stringify(alerts));
      alertId = alerts.alerts[0].id;
      assert.equal(alerts.alerts[0].state, 'FIRING');
      await page.goto(`${BASE}/#/alerts`);
      const row = page.locator(`tr[data-id="${alertId}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-state'), 'FIRING');
      const text = await row.textContent();
      assert.ok(text.includes(MONITOR_NAME) && text.includes('service:checkout'), text);
      assert.match(await page.getByTestId('alert-summary').textContent(), /FIRING1/);
      await page.screenshot({ path: join(SHOTS, 'alerts-firing.png'), fullPage: true });
    });

    await check('acknowledging it in the console records who and why, and the API agrees', async () => {
      await page.getByLabel('Acting as').fill(ACTOR);
      await page.getByLabel('Acting as').press('Tab');
      page.once('dialog', (d) => void d.accept('looking into it'));
      await page.getByRole('button', { name: `Acknowledge ${MONITOR_NAME}` }).click();
      const row = page.locator(`tr[data-id="${alertId}"]`);
      await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"]`)?.textContent.includes('by e2e-oncall: looking into it'), alertId);
      assert.equal(await row.getByRole('button', { name: /^Acknowledge/ }).count(), 0, 'no second ack');
      assert.equal(await row.getAttribute('data-state'), 'FIRING', 'still firing: ack does not resolve');
      const a = await api('GET', `/v1/alerts/${encodeURIComponent(alertId)}`);
      assert.equal(a.state, 'FIRING');
      assert.deepEqual([a.acknowledged?.by, a.acknowledged?.note], [ACTOR, 'looking into it']);
      await page.screenshot({ path: join(SHOTS, 'alerts-acknowledged.png'), fullPage: true });
      await row.getByRole('link', { name: MONITOR_NAME }).click();
      const detail = page.getByTestId('alert-detail');
      await detail.waitFor();
      assert.match(await detail.textContent(), /acknowledgedby e2e-oncall at .*: looking into it/);
      const firstChange = await page.locator('[data-testid=transitions] tbody tr').last().textContent();
      assert.match(firstChange, /OKFIRINGcritical50/);
      await page.screenshot({ path: join(SHOTS, 'alert-detail.png'), fullPage: true });
    });

    await check('a silence is created with matchers and a duration, listed active, then expired', async () => {
      await page.goto(`${BASE}/#/silences`);
      await page.getByRole('heading', { name: 'Silences' }).waitFor();
      // The page also holds the maintenance window and inhibition rule forms, with Matchers and Comment of their own.
      const form = page.getByRole('form', { name: 'New silence' });
      await form.getByLabel('Matchers').fill(`monitor=${monitorId}\nservice=checkout`);
      await form.getByLabel('Duration').fill('1h');
      await form.getByLabel('Comment').fill(`e2e ${RUN}`);
      await form.getByRole('button', { name: 'Create silence' }).click();
      const silences = () => api('GET', '/v1/silences').then((b) => b.silences.filter((x) => x.comment === `e2e ${RUN}`));
      await page.getByRole('status').filter({ hasText: 'Silenced' }).waitFor();
      const [created] = await silences();
      assert.deepEqual([created.matchers, created.createdBy, created.state], [[`monitor=${monitorId}`, 'service=checkout'], ACTOR, 'active']);
      assert.equal(Date.parse(created.endsAt) - Date.parse(created.startsAt), 3_600_000, 'one hour');
      const row = page.locator(`tr[data-id="${created.id}"]`);
      assert.equal(await row.getAttribute('data-state'), 'active');
      await page.screenshot({ path: join(SHOTS, 'silences.png'), fullPage: true });
      await row.getByRole('button', { name: /^Expire/ }).click();
      await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"]`)?.dataset.state === 'expired', created.id);
      assert.equal((await silences())[0].state, 'expired');
    });

    await check('a maintenance window and an inhibition rule are created and deleted beside the silences', async () => {
      await page.goto(`${BASE}/#/silences`);
      const windows = page.getByRole('region', { name: 'Maintenance windows' });
      await windows.getByText('No maintenance windows.').waitFor();
      await windows.getByLabel('Name').fill(`e2e window ${RUN}`);
      await windows.getByLabel('Time zone').fill('Europe/Berlin');
      await windows.getByLabel('SAT').check();
      await windows.getByLabel('Matchers').fill('team=payments');
      await windows.getByRole('button', { name: 'Create window' }).click();
      await windows.getByRole('status').filter({ hasText: 'Created maintenance window' }).waitFor();
      const [w] = (await api('GET', '/v1/maintenance-windows')).maintenanceWindows;
      assert.deepEqual([w.name, w.timezone, w.days, w.matchers], [`e2e window ${RUN}`, 'Europe/Berlin', ['SAT', 'SUN'], ['team=payments']]);

      const rules = page.getByRole('region', { name: 'Inhibition rules' });
      await rules.getByTestId('built-in-rule').waitFor();
      await rules.getByLabel('Equal labels').fill('host');
      await rules.getByRole('button', { name: 'Create rule' }).click();
      await rules.getByRole('status').filter({ hasText: 'Created the inhibition rule' }).waitFor();
      const listed = await api('GET', '/v1/inhibitions');
      assert.equal(listed.builtInRuleActive, false);
      assert.deepEqual([listed.inhibitions[0].sourceMatchers, listed.inhibitions[0].targetMatchers, listed.inhibitions[0].equal],
        [['severity=critical'], ['severity=warning'], ['host']]);
      await page.screenshot({ path: join(SHOTS, 'muting.png'), fullPage: true });

      await rules.locator(`tr[data-id="${listed.inhibitions[0].id}"]`).getByRole('button', { name: /^Delete/ }).click();
      await rules.getByTestId('built-in-rule').waitFor();
      await windows.locator(`tr[data-id="${w.id}"]`).getByRole('button', { name: /^Delete/ }).click();
      await windows.getByText('No maintenance windows.').waitFor();
      assert.equal((await api('GET', '/v1/inhibitions')).inhibitions.length, 0);
      assert.equal((await api('GET', '/v1/maintenance-windows')).maintenanceWindows.length, 0);
    });

    let hook = null; // the webhook channel the next check creates, for the route and the delivery log
    await check('a webhook channel is created with a write-only URL and its test message arrives', async () => {
      const received = [];
      const receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => { received.push({ path: req.url, body }); res.writeHead(200).end('ok'); });
      });
      await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
      const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook/secret-${RUN}`;
      try {
        await page.goto(`${BASE}/#/channels`);
        await page.getByRole('heading', { name: 'Channels' }).waitFor();
        await page.getByLabel('Name').fill(`e2e-hook-${RUN}`);
        await page.getByLabel('Type').selectOption('webhook');
        await page.getByLabel('URL').fill(hookUrl);
        await page.getByLabel(/^Signing secret/).fill('e2e-signing-secret-0123456789');
        await page.getByRole('button', { name: 'Create channel' }).click();
        await page.getByRole('status').filter({ hasText: 'Created channel' }).waitFor();
        const channel = (await api('GET', '/v1/channels')).channels.find((c) => c.name === `e2e-hook-${RUN}`);
        hook = channel;
        assert.deepEqual([channel.type, [...channel.secrets].sort()], ['webhook', ['signingSecret', 'url']]);
        assert.ok(!JSON.stringify(channel).includes(`secret-${RUN}`), 'the API never answers the URL');
        const row = page.locator(`tr[data-id="${channel.id}"]`);
        await row.waitFor();
        assert.match(await row.textContent(), /url ••••/);
        const dom = await page.evaluate(() => document.documentElement.outerHTML
          + [...document.querySelectorAll('input')].map((i) => i.value).join(' '));
        assert.ok(!dom.includes(`secret-${RUN}`), 'nor does the page keep it');
        await row.getByRole('button', { name: `Send a test to e2e-hook-${RUN}` }).click();
        const outcome = page.getByTestId('test-outcome');
        await outcome.waitFor();
        assert.match(await outcome.textContent(), /: sent/);
        assert.equal(received.length, 1, 'one test message at the receiver');
        assert.equal(received[0].path, `/hook/secret-${RUN}`);
        await page.screenshot({ path: join(SHOTS, 'channels.png'), fullPage: true });
      } finally {
        receiver.close();
      }
    });

    await check('a route is created in the routes page with the channel chosen by name, refused fields shown beside them, and listed', async () => {
      await page.goto(`${BASE}/#/routes`);
      await page.getByRole('heading', { name: 'Notification routes' }).waitFor();
      const form = page.getByRole('form', { name: 'New route' });
      const channelBox = form.getByLabel(`e2e-hook-${RUN} (webhook)`);
      await channelBox.waitFor();
      await form.getByLabel('Name').fill(`e2e route ${RUN}`);
      await form.getByLabel('Order').fill('10');
      await form.getByLabel('Matchers').fill('service=checkout\nteam');
      await channelBox.check();
      await form.getByLabel('Group by').fill('monitor, service');
      await form.getByLabel('Group wait').fill('10s');
      await form.getByRole('button', { name: 'Create route' }).click();
      // The API refuses the second matcher; its reason shows beside the matchers, the form keeps what was typed.
      const refusal = form.locator('[name=matchers] + .field-error');
      await refusal.waitFor();
      assert.equal(await refusal.getAttribute('data-error-for'), 'matchers[1]');
      assert.match(await refusal.textContent(), /"team" is not a matcher/);
      assert.equal(await form.locator('[name=matchers]').getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('.errors [role=alert]').textContent(), /400 Bad Request/);
      await page.screenshot({ path: join(SHOTS, 'routes-refused.png'), fullPage: true });
      assert.equal((await api('GET', '/v1/routes')).routes.length, 0, 'nothing stored');

      await form.getByLabel('Matchers').fill('service=checkout');
      await form.getByRole('button', { name: 'Create route' }).click();
      await page.getByRole('status').filter({ hasText: `Created route e2e route ${RUN}` }).waitFor();
      const [route] = (await api('GET', '/v1/routes')).routes;
      assert.deepEqual([route.name, route.order, route.matchers, route.channels, route.groupBy, route.groupWait, route.groupInterval,
        route.repeatInterval, route.continue, route.default],
      [`e2e route ${RUN}`, 10, ['service=checkout'], [hook.id], ['monitor', 'service'], '10s', '5m', '4h', false, false]);
      const row = page.locator(`tr[data-id="${route.id}"]`);
      await row.waitFor();
      const text = await row.textContent();
      assert.ok(text.includes(`e2e-hook-${RUN} (webhook)`) && text.includes('service=checkout') && text.includes('wait 10s'), text);
      assert.equal(await page.locator('.field-error').count(), 0, 'the refusal is gone');
      await page.screenshot({ path: join(SHOTS, 'routes.png'), fullPage: true });
    });

    await check('the delivery log shows the test delivery: its channel by name, sent with HTTP 200 in one attempt', async () => {
      const [test] = (await api('GET', '/v1/notifications')).notifications.filter((n) => n.channelId === hook.id);
      assert.equal(test?.kind, 'test', 'the API logged the test message');
      await page.getByRole('link', { name: 'Delivery log' }).click();
      await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
      const row = page.locator(`tr[data-id="${test.id}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-status'), 'sent');
      const cells = await row.locator('td').allTextContents();
      assert.deepEqual(cells.slice(1), [`e2e-hook-${RUN} (webhook)`, 'test', 'Longwatch test message', 'sent', '200', '1', '']);
      assert.ok(!(await row.textContent()).includes(`secret-${RUN}`), 'no secret in the log');
      await page.screenshot({ path: join(SHOTS, 'deliveries.png'), fullPage: true });
      await page.getByLabel('Outcome').selectOption('failed');
      await page.getByText('No deliveries match.').waitFor();
      assert.match(new URL(page.url()).hash, /^#\/deliveries\?status=failed$/);
    });

    await check('a key that stops working sends the person back to sign-in with the reason', async () => {
      // As if the key were revoked while the tab was open: the next load's API calls answer 401.
      await page.evaluate(() => sessionStorage.setItem('longwatch.apiKey', 'lw_revoked_0000000000000000'));
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to Longwatch' }).waitFor();
      assert.match(await page.getByRole('alert').textContent(), /401 Unauthorized/);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('longwatch.apiKey')), null, 'the dead key is forgotten');
    });

    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } finally {
    await browser.close();
  }
  for (const t of timings) console.log(`timing: ${t}`);
  console.log(`all ${checks.length} checks passed; screenshots in ${SHOTS}`);
}

run(main);
