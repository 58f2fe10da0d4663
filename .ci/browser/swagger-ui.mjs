// Headless-browser end-to-end test of the Swagger UI: authorize with a bearer
// token, register a consignee with "Try it out", then list it.
// Env: BASE_URL (e.g. http://127.0.0.1:18080), TOKEN (bearer JWT),
//      SCREENSHOT (default <repo>/target/swagger-ui.png), CHROMIUM (default /usr/bin/chromium).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.TOKEN || '';
const SCREENSHOT = resolve(process.env.SCREENSHOT || join(here, '../../target/swagger-ui.png'));
const STEP_MS = 30_000;
const NAME = 'E2E Browser KK';

if (!BASE_URL || !TOKEN) {
  console.error('FAIL: BASE_URL and TOKEN must be set');
  process.exit(2);
}
// Hard stop so CI can never hang here, whatever the browser does.
setTimeout(() => { console.error('FAIL: whole test exceeded 180 s'); process.exit(1); }, 180_000).unref();

let current = 'start';
const step = async (name, fn) => {
  current = name;
  const t0 = Date.now();
  await fn();
  console.log(`ok ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
};
// Waits for the element to show some text, then checks it once: Swagger UI renders
// the live response only when the request has finished, so the first text is final.
const expectText = async (locator, re, what) => {
  const el = locator.first();
  await el.waitFor({ state: 'visible' });
  const deadline = Date.now() + STEP_MS;
  let text = '';
  while (!(text = (await el.innerText()).trim()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!re.test(text)) throw new Error(`${what}: expected ${re}, got ${JSON.stringify(text.slice(0, 300))}`);
};

const profile = mkdtempSync(join(tmpdir(), 'swagger-e2e-'));
let context, page;
try {
  // Playwright insists the profile dir comes as an argument, not as --user-data-dir.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: STEP_MS,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  page = context.pages()[0] || await context.newPage();
} catch (e) {
  console.error(`FAIL: could not launch Chromium: ${e.message.split('\n')[0]}`);
  rmSync(profile, { recursive: true, force: true });
  process.exit(1);
}
page.setDefaultTimeout(STEP_MS);
page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));

// With deepLinking on, Swagger UI gives each operation the id operations-<tag>-<operationId>.
const create = page.locator('#operations-consignees-create_consignee');
const list = page.locator('#operations-consignees-list_consignees');
const liveResponse = (op) => op.locator('table.live-responses-table tr.response');

let ok = false;
try {
  await step('open /swagger-ui/ and wait for the operations', async () => {
    await page.goto(`${BASE_URL}/swagger-ui/`, { waitUntil: 'domcontentloaded' });
    await page.locator('.opblock').first().waitFor();
    await expectText(create.locator('.opblock-summary'), /POST[\s\S]*\/api\/v1\/consignees[\s\S]*Register a consignee/, 'POST summary');
    await expectText(list.locator('.opblock-summary'), /GET[\s\S]*\/api\/v1\/consignees[\s\S]*List consignees/, 'GET summary');
  });

  await step('authorize with the bearer token', async () => {
    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input#auth-bearer-value').fill(TOKEN);
    await dialog.locator('button.modal-btn.authorize').click(); // aria-label "Apply credentials"
    await dialog.locator('h6', { hasText: 'Authorized' }).waitFor(); // "Logout" button's aria-label is "Remove authorization"
    await dialog.locator('button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });
  });

  await step('POST /api/v1/consignees via Try it out -> 201', async () => {
    await create.locator('.opblock-summary-control').click();
    await create.locator('button.try-out__btn').click();
    await create.locator('textarea.body-param__text').fill(JSON.stringify({ legal_name: NAME }));
    await create.locator('button.execute').click();
    await expectText(liveResponse(create).locator('td.response-col_status'), /^201\b/, 'POST live status');
  });

  await step('GET /api/v1/consignees via Try it out -> 200 with the new consignee', async () => {
    await list.locator('.opblock-summary-control').click();
    await list.locator('button.try-out__btn').click();
    await list.locator('button.execute').click();
    await expectText(liveResponse(list).locator('td.response-col_status'), /^200\b/, 'GET live status');
    await expectText(liveResponse(list).locator('td.response-col_description pre'), new RegExp(NAME), 'GET response body');
  });
  ok = true;
} catch (e) {
  console.error(`FAIL at step "${current}": ${e.message.split('\n')[0]}`);
} finally {
  try {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${SCREENSHOT}`);
  } catch (e) {
    console.error(`could not save screenshot: ${e.message.split('\n')[0]}`);
  }
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
console.log(ok ? 'swagger-ui e2e: OK' : 'swagger-ui e2e: FAILED');
process.exit(ok ? 0 : 1);
