// Browser checks for the scorecard web service (contexts bypass the CSP so that axe-core can
// be injected; the CSP itself is checked by the Rust tests): each page renders (HTTP 200,
// non-empty h1, full-page screenshot), has no serious/critical axe-core
// violations, and still shows its h1 with every <script> stripped; plus a few
// behaviour checks (period/comparator form, skip link, phone layout).
//
// Usage: BASE_URL=http://127.0.0.1:3300 node run.mjs
// Env: BASE_URL (default http://127.0.0.1:3000), SCREENSHOT_DIR (default
// ./screenshots), CHROMIUM (default /usr/bin/chromium; never downloaded).

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// ---------------------------------------------------------------------------
// Pages to check. Add new page kinds here.
//   name:     used in output and as the screenshot file name (<name>.png)
//   path:     path and query, appended to BASE_URL
//   optional: a 404 is reported as skipped instead of failed (page not built yet)
//   html:     false for non-HTML endpoints (only HTTP 200 is checked)
//   as:       'analyst' or 'council': checked signed in as that user (needs the
//             users of USERS below; skipped when their password is not given)
// ---------------------------------------------------------------------------
const PAGES = [
  { name: 'overview', path: '/' },
  { name: 'authority', path: '/authorities/E06000006' },
  { name: 'measure', path: '/measures/1C2A' },
  { name: 'login', path: '/login' },
  { name: 'domains', path: '/domains' },
  { name: 'whats-new', path: '/whats-new' },
  { name: 'whats-new-publication', path: '/whats-new/1' },
  { name: 'teasc-report', path: '/authorities/E06000006/teasc' },
  { name: 'authority-by-type', path: '/authorities/E06000006?arrange=type' },
  { name: 'authority-by-teasc', path: '/authorities/E06000006?arrange=teasc&filter=high-red' },
  { name: 'council-summary', path: '/authorities/E06000006/summary' },
  { name: 'quarterly-measure', path: '/measures/AS04' },
  { name: 'submissions', path: '/submissions', as: 'analyst' },
  { name: 'submission', path: '/submissions/1', as: 'analyst' },
  { name: 'rounds', path: '/rounds', as: 'analyst' },
  { name: 'publication', path: '/publication', as: 'analyst' },
  { name: 'audit', path: '/audit', as: 'analyst' },
  { name: 'risk-triggers', path: '/risk/triggers', as: 'analyst' },
  { name: 'risk-themes', path: '/risk/themes', as: 'analyst' },
  { name: 'own-risk-profile', path: '/risk/E06000006', as: 'council' },
  { name: 'risk-cycle', path: '/risk/cycle?year=2022-23', as: 'analyst' },
  { name: 'risk-follow-ups', path: '/risk/follow-ups', as: 'analyst' },
  { name: 'annual-report', path: '/risk/annual-report?year=2022-23', as: 'analyst' },
  { name: 'reciprocity', path: '/risk/reciprocity?concern=2B(1)', as: 'analyst' },
  { name: 'own-follow-ups', path: '/risk/follow-ups', as: 'council' },
  { name: 'council-reciprocity', path: '/risk/reciprocity', as: 'council' },
  { name: 'returns', path: '/returns', as: 'council' },
  { name: 'commentary', path: '/authorities/E06000006/commentary', as: 'council' },
  { name: 'own-council', path: '/authorities/E06000006', as: 'council' },
  { name: 'healthz', path: '/healthz', html: false },
  { name: 'atom-feed', path: '/whats-new.atom', html: false },
  { name: 'domain', path: '/domains/performance-outcomes' },
  { name: 'compare', path: '/compare?authorities=E06000006,E06000007&measures=1C2A,2A2' },
  { name: 'regional-account', path: '/regional-account?period=2023-24' },
  { name: 'about', path: '/about' },
  { name: 'glossary', path: '/glossary' },
  { name: 'search', path: '/search?q=care+home' },
  { name: 'analyst-home', path: '/home', as: 'analyst' },
  { name: 'council-home', path: '/home', as: 'council' },
  { name: 'email-settings', path: '/settings', as: 'council' },
];

// The users .ci/run creates before starting the service (scorecard user add …).
const USERS = {
  analyst: process.env.ANALYST_EMAIL || 'analyst@example.org',
  council: process.env.COUNCIL_EMAIL || 'dass@halton.example',
  neighbour: process.env.NEIGHBOUR_EMAIL || 'dass@warrington.example',
};
const PASSWORD = process.env.TEST_PASSWORD || '';

// The port of the SMTP server the service sends email to (SCORECARD_SMTP_URL): this script
// listens on it and keeps each message, as a mail system would.
const SMTP_PORT = Number(process.env.SMTP_PORT || 0);
const mailbox = [];

function startSmtp(port) {
  const server = createServer((socket) => {
    socket.setEncoding('latin1');
    let buffer = '';
    let inData = false;
    let data = '';
    let to = [];
    socket.on('error', () => {});
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mailbox.push({ to, raw: data });
            to = [];
            data = '';
            socket.write('250 queued\r\n');
          } else {
            data += `${line.startsWith('.') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const command = line.toUpperCase();
        if (command.startsWith('EHLO') || command.startsWith('HELO')) socket.write('250-test\r\n250 8BITMIME\r\n');
        else if (command.startsWith('RCPT TO')) {
          to.push(line.slice(8).trim().replace(/^<|>$/g, ''));
          socket.write('250 OK\r\n');
        } else if (command === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (command === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  server.listen(port, '127.0.0.1');
  return server;
}

// A message's readable text: quoted-printable undone and base64 parts decoded.
function readable(raw) {
  const qp = raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const decoded = [...raw.matchAll(/Content-Transfer-Encoding: base64\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z0-9+/=\r\n]+)/gi)]
    .map((m) => Buffer.from(m[1].replace(/\r\n/g, ''), 'base64').toString('utf8'));
  return [qp, ...decoded].join('\n');
}

// Waits (up to 20 s) for an email to `address` whose text includes `words`.
async function emailTo(address, words) {
  for (let i = 0; i < 80; i += 1) {
    const found = mailbox.find((m) => m.to.includes(address) && readable(m.raw).includes(words));
    if (found) return readable(found.raw);
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

const OVERVIEW_PATH = '/';
const AUTHORITY_PATH = '/authorities/E06000006';
const PHONE_VIEWPORT = { width: 390, height: 844 };
const DESKTOP_VIEWPORT = { width: 1280, height: 900 };
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const SCREENSHOT_DIR = resolve(process.env.SCREENSHOT_DIR || './screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let passed = 0;
let failed = 0;
let skipped = 0;
const violations = []; // { page, id, impact, help, targets, count }

const url = (path) => BASE_URL + path;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pass(name, detail = '') {
  passed += 1;
  console.log(`PASS ${name}${detail ? ` (${detail})` : ''}`);
}

function fail(name, detail = '') {
  failed += 1;
  console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
}

function expect(name, ok, detail = '') {
  if (ok) pass(name);
  else fail(name, detail);
  return ok;
}

// The development server may restart briefly: retry connection-level errors
// and 502/503 answers for a short while.
const TRANSIENT = /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|ERR_CONNECTION_CLOSED|ECONNREFUSED|ECONNRESET|socket hang up/;

async function withRetry(fn, attempts = 10) {
  for (let i = 1; ; i += 1) {
    try {
      const res = await fn();
      if (res && typeof res.status === 'function' && [502, 503].includes(res.status()) && i < attempts) {
        await sleep(1500);
        continue;
      }
      return res;
    } catch (err) {
      if (i >= attempts || !TRANSIENT.test(String(err && err.message))) throw err;
      await sleep(1500);
    }
  }
}

const gotoPage = (page, path) => withRetry(() => page.goto(url(path), { waitUntil: 'load' }));

async function h1Text(page) {
  const h1 = page.locator('h1').first();
  if ((await h1.count()) === 0) return null;
  return (await h1.innerText()).trim();
}

function fmtTarget(target) {
  return Array.isArray(target) ? target.map(fmtTarget).join(' >>> ') : String(target);
}

async function runAxe(page, pageName) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    const shape = (v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target),
      summaries: v.nodes.slice(0, 1).map((n) => n.failureSummary),
    });
    // With resultTypes ['violations'], axe still lists "incomplete" (needs
    // review) rules, with one example node each; reported, never failing.
    return { violations: result.violations.map(shape), review: result.incomplete.map(shape) };
  });
  for (const v of found.review.filter((x) => BLOCKING_IMPACTS.has(x.impact))) {
    console.log(`  review: axe could not decide ${v.impact} ${v.id} on ${pageName}, e.g. ${v.targets.slice(0, 1).map(fmtTarget).join('')}: ${(v.summaries[0] || v.help).replace(/\n\s*/g, ' / ')}`);
  }
  const blocking = found.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
  for (const v of found.violations.filter((x) => !BLOCKING_IMPACTS.has(x.impact))) {
    console.log(`  note: axe ${v.impact} ${v.id} on ${pageName} (${v.targets.length} node(s), e.g. ${v.targets.slice(0, 3).map(fmtTarget).join(' ; ')}): ${v.help}`);
  }
  for (const v of blocking) {
    const targets = v.targets.slice(0, 3).map(fmtTarget);
    violations.push({ page: pageName, id: v.id, impact: v.impact, help: v.help, targets, count: v.targets.length });
    console.log(`  AXE ${pageName} | ${v.id} | ${v.impact} | ${v.help} | ${v.targets.length} node(s): ${targets.join(' ; ')}`);
    if (v.summaries[0]) console.log(`      ${v.summaries[0].replace(/\n\s*/g, ' / ')}`);
  }
  return blocking;
}

// ---------------------------------------------------------------------------
// Per-page checks: status, h1, screenshot, axe.
// Returns the list of pages that exist (so the no-script pass skips the rest).
// ---------------------------------------------------------------------------
// Signs a browser context in through the sign-in form.
async function signIn(context, role) {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  try {
    await gotoPage(page, '/login');
    await page.fill('#email', USERS[role]);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForEvent('load'), page.click('main button[type=submit]')]);
    return (await page.content()).includes(`Signed in as ${USERS[role]}`);
  } finally {
    await page.close();
  }
}

async function checkPages(browser) {
  const present = [];
  const contexts = { public: await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true }) };
  for (const role of ['analyst', 'council']) {
    if (!PASSWORD) continue;
    contexts[role] = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
    expect(`sign in as the ${role}`, await signIn(contexts[role], role), 'the sign-in form did not sign in');
  }
  for (const spec of PAGES) {
    const context = contexts[spec.as || 'public'];
    if (!context) {
      skipped += 1;
      console.log(`SKIP ${spec.name} ${spec.path}: needs a signed-in ${spec.as} (set TEST_PASSWORD)`);
      continue;
    }
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const label = `${spec.name} ${spec.path}`;
    try {
      const res = await gotoPage(page, spec.path);
      const status = res ? res.status() : 0;
      if (status === 404 && spec.optional) {
        skipped += 1;
        console.log(`SKIP ${label}: 404 (optional page, not built yet)`);
        continue;
      }
      if (!expect(`${label}: HTTP 200`, status === 200, `got ${status}`)) continue;
      if (spec.html === false) continue;
      if (!spec.as) present.push(spec);

      const h1 = await h1Text(page);
      expect(`${label}: non-empty h1`, !!h1, h1 === null ? 'no h1' : 'h1 is empty');

      const file = join(SCREENSHOT_DIR, `${spec.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(`${label}: screenshot ${file}`, existsSync(file), 'file not written');

      const blocking = await runAxe(page, spec.name);
      expect(
        `${label}: no serious/critical axe violations`,
        blocking.length === 0,
        blocking.map((v) => `${v.id} (${v.impact})`).join(', '),
      );
    } catch (err) {
      fail(label, err.message.split('\n')[0]);
    } finally {
      await page.close();
    }
  }
  for (const context of Object.values(contexts)) await context.close();
  return present;
}

// ---------------------------------------------------------------------------
// Pages with every <script> removed from HTML responses still show their h1.
// (JavaScript stays enabled; the scripts are stripped in flight.)
// ---------------------------------------------------------------------------
async function checkWithoutScripts(browser, pages) {
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  let stripped = 0;
  await context.route('**/*', async (route) => {
    let response;
    try {
      response = await withRetry(() => route.fetch(), 5);
    } catch {
      return route.abort();
    }
    const type = response.headers()['content-type'] || '';
    if (!type.includes('text/html')) return route.fulfill({ response });
    const body = (await response.text())
      .replace(/<script\b[\s\S]*?<\/script\s*>/gi, () => { stripped += 1; return ''; })
      .replace(/<script\b[^>]*>/gi, () => { stripped += 1; return ''; });
    return route.fulfill({ response, body });
  });
  for (const spec of pages) {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(60_000);
    const label = `${spec.name} ${spec.path} without scripts`;
    try {
      const res = await gotoPage(page, spec.path);
      const status = res ? res.status() : 0;
      const h1 = await h1Text(page);
      const scripts = await page.evaluate(() => document.scripts.length);
      expect(`${label}: h1 present`, status === 200 && !!h1 && scripts === 0,
        `status ${status}, h1 ${JSON.stringify(h1)}, ${scripts} script element(s) left`);
    } catch (err) {
      fail(label, err.message.split('\n')[0]);
    } finally {
      await page.close();
    }
  }
  console.log(`  (${stripped} script tag(s) stripped in total)`);
  await context.close();
}

// ---------------------------------------------------------------------------
// Behaviour on the overview page.
// ---------------------------------------------------------------------------
async function submitFormOf(page, selectSelector) {
  const button = page.locator(`form:has(${selectSelector})`).first()
    .locator('button[type=submit], input[type=submit], button:not([type])').first();
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

async function checkPeriodSelector(browser) {
  const name = 'overview: choosing the second period and submitting';
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(60_000);
  try {
    await gotoPage(page, OVERVIEW_PATH);
    const option = page.locator('select#period option').nth(1);
    const value = await option.getAttribute('value');
    const text = (await option.innerText()).trim();
    await page.selectOption('select#period', { index: 1 });
    await submitFormOf(page, 'select#period');
    const current = page.url();
    expect(`${name}: URL has period=`, current.includes('period='), current);
    const h1 = (await h1Text(page)) || '';
    expect(`${name}: h1 names the period "${text}"`,
      h1.includes(text) || (value !== null && h1.includes(value)), `h1 is ${JSON.stringify(h1)}`);
    const kept = await page.locator('select#period').inputValue();
    expect(`${name}: period stays selected`, kept === (value ?? text), `select shows ${JSON.stringify(kept)}`);
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    await context.close();
  }
}

async function checkComparatorSelector(browser) {
  const name = 'overview: choosing comparator "region" and submitting';
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(60_000);
  try {
    await gotoPage(page, OVERVIEW_PATH);
    await page.selectOption('select#comparator', 'region');
    await submitFormOf(page, 'select#comparator');
    const current = page.url();
    expect(`${name}: URL has comparator=region`, current.includes('comparator=region'), current);
    const caption = (await page.locator('table.rug caption').first().innerText()).trim();
    expect(`${name}: table caption mentions the region`, /region/i.test(caption), `caption is ${JSON.stringify(caption)}`);
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    await context.close();
  }
}

async function checkDomainFilter(browser) {
  const name = 'overview: filtering to the "Resource and workforce" domain';
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(60_000);
  try {
    await gotoPage(page, OVERVIEW_PATH);
    await page.selectOption('select#domain', 'resource-workforce');
    await submitFormOf(page, 'select#domain');
    const current = page.url();
    expect(`${name}: URL has domain=resource-workforce`, current.includes('domain=resource-workforce'), current);
    const groups = await page.locator('table.rug tr.rug__domain th').allInnerTexts();
    expect(`${name}: only that domain's measures are shown`, groups.length === 1 && /Resource and workforce/.test(groups[0]), JSON.stringify(groups));
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    await context.close();
  }
}

async function checkSkipLink(browser) {
  const name = 'overview: first Tab focuses the skip link';
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(60_000);
  try {
    await gotoPage(page, OVERVIEW_PATH);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return {
        isSkip: !!el && el.matches('a.govuk-skip-link'),
        desc: el ? `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(/\s+/).join('.')}` : ''} "${(el.textContent || '').trim().slice(0, 40)}"` : 'nothing',
      };
    });
    expect(name, focused.isSkip, `focused ${focused.desc}`);
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// Council page on a phone: screenshot and no horizontal overflow of main
// (tables scroll inside their own .table-scroll wrapper).
// ---------------------------------------------------------------------------
// The data pages on a 1,400-pixel screen use the window's width with a readable measure
// column, and on a phone stay inside it; screenshots of both, and the Regional Account's
// print preview one council a page.
const WIDE_VIEWPORT = { width: 1400, height: 900 };
const DATA_PAGES = [
  ['council', '/authorities/E06000006'],
  ['teasc', '/authorities/E06000006/teasc'],
  ['regional-account', '/regional-account'],
];

async function checkWideTables(browser) {
  for (const [viewport, label] of [[WIDE_VIEWPORT, '1400'], [PHONE_VIEWPORT, '390']]) {
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(60_000);
    try {
      for (const [name, path] of DATA_PAGES) {
        const res = await gotoPage(page, path);
        if (!expect(`${name} at ${label}px: HTTP 200`, res && res.status() === 200)) continue;
        const file = join(SCREENSHOT_DIR, `${name}-${label}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(`${name} at ${label}px: screenshot ${file}`, existsSync(file));
        if (label === '1400') {
          const width = await page.evaluate(() => document.querySelector('main').getBoundingClientRect().width);
          expect(`${name} at 1400px: the page uses the window's width`, width > 1300, `${Math.round(width)}px`);
        }
      }
      if (label === '1400') {
        await gotoPage(page, '/authorities/E06000006');
        // The text's own height (a row is as tall as its tallest cell: the charts, the earlier
        // values), in lines of the column's line height.
        const heights = await page.evaluate(() => [...document.querySelectorAll('tbody th.measure-col')].map((th) => {
          const range = document.createRange();
          range.selectNodeContents(th);
          const lines = range.getBoundingClientRect().height / (parseFloat(getComputedStyle(th).lineHeight) || 25);
          return Math.round(lines * 10) / 10;
        }));
        const tallest = Math.max(...heights);
        expect('council page at 1400px: the measure column reads in at most five lines', heights.length > 0 && tallest <= 5, `${tallest} lines`);
        await gotoPage(page, '/regional-account');
        await page.emulateMedia({ media: 'print' });
        const breaks = await page.evaluate(() => [...document.querySelectorAll('.council-sheet')].map((s) => getComputedStyle(s).breakBefore));
        expect('regional account in print: one council a page', breaks.length >= 23 && breaks.every((b) => b === 'page'), breaks.slice(0, 3).join(', '));
        await page.emulateMedia({ media: 'screen' });
      }
    } catch (err) {
      fail(`data pages at ${label}px`, err.message.split('\n')[0]);
    } finally {
      await context.close();
    }
  }
}

async function checkPhoneLayout(browser) {
  const name = `authority ${AUTHORITY_PATH} at ${PHONE_VIEWPORT.width}x${PHONE_VIEWPORT.height}`;
  const context = await browser.newContext({ viewport: PHONE_VIEWPORT, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(60_000);
  try {
    const res = await gotoPage(page, AUTHORITY_PATH);
    if (!expect(`${name}: HTTP 200`, res && res.status() === 200, `got ${res && res.status()}`)) return;
    const file = join(SCREENSHOT_DIR, 'authority-phone.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(`${name}: screenshot ${file}`, existsSync(file), 'file not written');
    const layout = await page.evaluate(() => {
      const main = document.querySelector('main');
      const vw = window.innerWidth;
      // For a failure message: the outermost elements sticking out past the
      // viewport that are not inside a .table-scroll wrapper.
      const culprits = [];
      if (main) {
        for (const el of main.querySelectorAll('*')) {
          if (el.closest('.table-scroll')) continue;
          const r = el.getBoundingClientRect();
          if (r.right <= vw + 1 || r.width === 0) continue;
          if (culprits.some((c) => c.el.contains(el))) continue;
          culprits.push({ el, right: Math.round(r.right) });
        }
      }
      return {
        hasMain: !!main,
        mainScrollWidth: main ? main.scrollWidth : 0,
        docScrollWidth: document.documentElement.scrollWidth,
        vw,
        culprits: culprits.slice(0, 5).map(({ el, right }) => {
          const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} (right edge ${right}px)`;
        }),
      };
    });
    expect(`${name}: main has no horizontal overflow`,
      layout.hasMain && layout.mainScrollWidth <= layout.vw + 1,
      layout.hasMain
        ? `main.scrollWidth ${layout.mainScrollWidth} > innerWidth ${layout.vw}; sticking out: ${layout.culprits.join(', ') || 'n/a'}`
        : 'no main element');
    if (layout.docScrollWidth > layout.vw + 1) {
      console.log(`  note: document scrollWidth ${layout.docScrollWidth} > innerWidth ${layout.vw}`);
    }
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// The public reader (issue 25): at 320, 390 and 1,280 pixels no public page scrolls
// sideways, every table wider than its box scrolls inside a .table-scroll box, and chart text
// is at least 12px; axe is clean on a phone; the council page and the Regional Account print
// every column (the PDF's text, read with pdftotext, has the last column's heading).
// ---------------------------------------------------------------------------
const READER_WIDTHS = [320, 390, 1280];

async function checkPublicReader(browser) {
  const pages = PAGES.filter((p) => !p.as && p.html !== false);
  for (const width of READER_WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(60_000);
    try {
      for (const p of pages) {
        const res = await gotoPage(page, p.path);
        if (!res || res.status() !== 200) continue;
        const layout = await page.evaluate(() => {
          const vw = window.innerWidth;
          const main = document.querySelector('main');
          const loose = [...document.querySelectorAll('main table')]
            .filter((t) => t.getBoundingClientRect().width > main.clientWidth + 1)
            .filter((t) => {
              const box = t.closest('.table-scroll');
              return !box || !['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
            })
            .map((t) => t.id || t.className);
          let smallest = Infinity;
          for (const text of document.querySelectorAll('main svg text')) {
            const ctm = text.getScreenCTM();
            if (!ctm || !text.getBBox().width) continue;
            smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * ctm.a);
          }
          return { doc: document.documentElement.scrollWidth, vw, loose, smallest };
        });
        expect(`${p.name} at ${width}px: no sideways page scroll`, layout.doc <= layout.vw + 1, `page ${layout.doc}px wide`);
        expect(`${p.name} at ${width}px: wide tables scroll in their own box`, layout.loose.length === 0, layout.loose.join(', '));
        if (Number.isFinite(layout.smallest)) {
          expect(`${p.name} at ${width}px: chart text at least 12px`, layout.smallest >= 11.9, `${layout.smallest.toFixed(1)}px`);
        }
        if (width === 390) await runAxe(page, `${p.name}@390`);
      }
      if (width === 390) {
        const menu = await page.evaluate(() => {
          const summary = document.querySelector('.nav-narrow summary');
          return summary ? getComputedStyle(summary).display !== 'none' : false;
        });
        expect('the header menu folds under "Menu" at 390px', menu);
        const file = join(SCREENSHOT_DIR, 'measure-390.png');
        await gotoPage(page, '/measures/1C2A');
        await page.screenshot({ path: file, fullPage: true });
        expect(`measure page at 390px: screenshot ${file}`, existsSync(file));
      }
    } catch (err) {
      fail(`public pages at ${width}px`, err.message.split('\n')[0]);
    } finally {
      await context.close();
    }
  }
  await checkPrintedColumns(browser);
}

// The printed council page and Regional Account keep every column: the text of the PDF
// Chromium prints has each table's last column heading.
async function checkPrintedColumns(browser) {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultNavigationTimeout(60_000);
  const pdfText = async (path, name) => {
    await gotoPage(page, path);
    await page.emulateMedia({ media: 'print' });
    const file = join(SCREENSHOT_DIR, `${name}.pdf`);
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  };
  try {
    const council = await pdfText(AUTHORITY_PATH, 'council-print');
    expect('council page in print: the RAG column is on the page', /\bRAG\b/.test(council));
    const pages = council.split('\f').filter((t) => t.trim()).length;
    console.log(`  council page prints on ${pages} A4 landscape page(s)`);
    const account = await pdfText('/regional-account', 'regional-account-print');
    const overview = account.split('\f').find((t) => t.includes('Overview of councils and measures') && t.includes('Measure'));
    expect('regional account in print: the overview has the last council\'s column (Wirral)', !!overview && overview.includes('Wirral'));
    expect('regional account in print: each sheet has its Commentary column', (account.match(/Commentary/g) || []).length >= 23);
    // Maps print: drawn (not hidden by the print style), within the page's width, with their
    // key and the ONS attribution in the printed text.
    for (const [path, name] of [['/measures/1C2A', 'measure'], [AUTHORITY_PATH, 'council'], ['/', 'overview']]) {
      const text = await pdfText(path, `${name}-map-print`);
      const drawn = await page.evaluate(() => [...document.querySelectorAll('svg.map')].map((svg) => {
        const box = svg.getBoundingClientRect();
        return { shown: getComputedStyle(svg).display !== 'none' && box.width > 0 && box.height > 0, right: box.right };
      }));
      const width = await page.evaluate(() => document.documentElement.clientWidth);
      expect(`${name} page in print: its maps are drawn within the page`, drawn.length > 0 && drawn.every((m) => m.shown && m.right <= width + 1), JSON.stringify(drawn));
      expect(`${name} page in print: the boundaries' attribution is printed`, /Office\s+for\s+National\s+Statistics/.test(text), text.slice(0, 200));
    }
  } catch (err) {
    fail('print to PDF', err.message.split('\n')[0]);
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// The analyst walks through one council's annual risk assessment: from the
// matrix to Halton's profile; shares concerns, judges a domain, agrees support
// from the menu, records the discussion, then the final view.
// ---------------------------------------------------------------------------
async function checkRiskAssessment(browser) {
  const name = 'risk assessment';
  if (!PASSWORD) {
    skipped += 1;
    console.log('SKIP risk assessment: needs the test users (set TEST_PASSWORD)');
    return;
  }
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const submit = (page, selector) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
  try {
    expect(`${name}: the analyst signs in`, await signIn(context, 'analyst'));
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await gotoPage(page, '/risk');
    const rows = await page.locator('#matrix tbody tr').count();
    expect(`${name}: the matrix lists the region's councils`, rows >= 23, `${rows} rows`);
    let blocking = await runAxe(page, 'risk-matrix');
    expect(`${name}: the matrix has no serious/critical axe violations`, blocking.length === 0, blocking.map((v) => v.id).join(', '));
    await submit(page, "#matrix tr[data-council='E06000006'] th a");
    expect(`${name}: Halton's profile opens`, (await h1Text(page)) === 'Risk profile: Halton', await h1Text(page));
    await page.fill('#concerns-body', 'Delayed transfers of care are rising (browser test).');
    await submit(page, '#share-form button[type=submit]');
    expect(`${name}: concerns shared`, (await page.locator('#assessment-status').innerText()).trim() === 'shared');
    await page.selectOption('#judgement-domain', 'national-priorities-partnerships');
    await page.selectOption('#judgement-level', 'some');
    await page.fill('#judgement-body', 'Some concern on discharge; a plan is in place.');
    await submit(page, '#judgement-form button[type=submit]');
    const judged = await page.locator('#judgements td.judgement').allInnerTexts();
    expect(`${name}: the judgement is recorded`, judged.includes('Some concern'), judged.join(', '));
    await page.selectOption('#support-tier', 'targeted');
    await page.selectOption('#support-offer', 'Peer mentoring');
    await page.fill('#support-owner', 'NW ADASS');
    await fillDate(page, (part) => `#support-follow-up-${part}`, '2031-03-31');
    await submit(page, '#support-form button[type=submit]');
    // The final view comes after the discussion is recorded (MoU 2.1 b).
    await page.fill('#discussion-who', 'DASS, analyst');
    await page.fill('#discussion-body', 'Discussed the plan (browser test).');
    await submit(page, '#discussion-form button[type=submit]');
    expect(`${name}: the discussion is recorded`, (await page.locator('#assessment-status').innerText()).trim() === 'discussed');
    await page.fill('#final-body', 'Some concern; peer mentoring agreed.');
    await submit(page, '#final-form button[type=submit]');
    expect(`${name}: the final view is recorded`, (await page.locator('#assessment-status').innerText()).trim() === 'final');
    const entries = await page.locator('#entries li').count();
    expect(`${name}: every step is kept`, entries === 5, `${entries} entries`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'risk-profile.png'), fullPage: true });
    blocking = await runAxe(page, 'risk-profile');
    expect(`${name}: the profile has no serious/critical axe violations`, blocking.length === 0, blocking.map((v) => v.id).join(', '));
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// One year of the improvement cycle (2022-23 of the illustrative data): the
// analyst opens a theme; Halton and Warrington self-assess; the analyst shares
// Halton's concerns, records the discussion and the final view, the Board's
// decision of targeted support and a peer challenge with an action plan (one
// action overdue), and issues the annual report; the follow-ups list the
// overdue action first; Halton asks for support from its own page. Axe on each.
// ---------------------------------------------------------------------------
async function checkImprovementYear(browser) {
  const name = 'improvement year';
  if (!PASSWORD) {
    skipped += 1;
    console.log('SKIP improvement year: needs the test users (set TEST_PASSWORD)');
    return;
  }
  const submit = (page, selector) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
  const open = (page, summary) => page.click(`summary:has-text("${summary}")`);
  const contexts = [];
  const as = async (role) => {
    const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
    contexts.push(context);
    expect(`${name}: ${role} signs in`, await signIn(context, role));
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  };
  const axeClean = async (page, label) => {
    const blocking = await runAxe(page, label);
    expect(`${name}: ${label} has no serious/critical axe violations`, blocking.length === 0, blocking.map((v) => v.id).join(', '));
  };
  try {
    const analyst = await as('analyst');
    await gotoPage(analyst, '/risk/themes?period=2022-23');
    await analyst.fill('#title', 'Prevention (browser test)');
    await analyst.fill('#criteria', 'A prevention strategy is in place\nCarers are identified early');
    await fillDate(analyst, (part) => `#due-on-${part}`, '2022-06-30');
    await submit(analyst, 'form[action="/risk/themes"] button[type=submit]');
    for (const [role, code] of [['council', 'E06000006'], ['neighbour', 'E06000007']]) {
      const page = await as(role);
      await gotoPage(page, `/risk/${code}?period=2022-23`);
      const form = page.locator('#criteria form').first();
      await form.locator('select').selectOption('4');
      await Promise.all([page.waitForEvent('load'), form.locator('button').click()]);
      expect(`${name}: ${role} self-assesses`, (await page.locator('#criteria select').first().inputValue()) === '4');
    }
    await gotoPage(analyst, '/risk/cycle?year=2022-23');
    const timetable = await analyst.locator('#timetable').innerText();
    expect(`${name}: the cycle counts two councils self-assessed`, timetable.includes('2 of'), timetable.slice(0, 200));
    await axeClean(analyst, 'risk-cycle');
    await gotoPage(analyst, '/risk/E06000006?period=2022-23');
    await analyst.fill('#concerns-body', 'Carers assessments falling (browser test).');
    await submit(analyst, '#share-form button[type=submit]');
    await analyst.fill('#discussion-who', 'DASS, analyst');
    await analyst.fill('#discussion-body', 'Agreed a carers plan.');
    await submit(analyst, '#discussion-form button[type=submit]');
    await analyst.fill('#final-body', 'Some concern on carers; targeted support.');
    await submit(analyst, '#final-form button[type=submit]');
    expect(`${name}: the final view`, (await analyst.locator('#assessment-status').innerText()).trim() === 'final');
    await open(analyst, "Record the Board's decision");
    await analyst.selectOption('#decision-decision', 'targeted_support');
    await analyst.fill('#decision-reason', 'Peer mentoring for the carers plan.');
    await submit(analyst, '#decision-form button[type=submit]');
    expect(`${name}: the Board's decision`, (await analyst.locator('#decisions').innerText()).includes('Targeted support'));
    await open(analyst, 'Record a peer challenge');
    await analyst.selectOption('#challenge-origin', 'board');
    await analyst.fill('#challenge-scope', 'Carers (browser test)');
    await fillDate(analyst, (part) => `#challenge-starts-${part}`, '2022-09-12');
    await fillDate(analyst, (part) => `#challenge-ends-${part}`, '2022-09-14');
    await analyst.fill('#challenge-team', 'A. Peer (DASS, Wigan)');
    await analyst.fill('#challenge-findings', 'Carers are found late.');
    await submit(analyst, '#challenge-form button[type=submit]');
    const plan = analyst.locator('.peer-challenge .action-form').last();
    await plan.locator('input[name=action]').fill('Identify carers at first contact (browser test)');
    await plan.locator('input[name=owner]').fill('Head of adult social care');
    await fillDate(plan, (part) => `input[name=due_on-${part}]`, '2023-01-31');
    await Promise.all([analyst.waitForEvent('load'), plan.locator('button').click()]);
    await axeClean(analyst, 'risk-profile-board');
    await gotoPage(analyst, '/risk/annual-report?year=2022-23');
    await analyst.fill('#issue-reviewer', 'J. Consultant');
    await analyst.fill('#issue-members', 'The Board (browser test)');
    await submit(analyst, '#issue-form button[type=submit]');
    expect(`${name}: the annual report is issued`, (await analyst.locator('.govuk-caption-l').first().innerText()).includes('issue 1'));
    await axeClean(analyst, 'annual-report');
    await gotoPage(analyst, '/risk/follow-ups');
    const first = await analyst.locator('#follow-ups tbody tr').first().innerText();
    expect(`${name}: the overdue action comes first`, first.includes('Identify carers') && first.includes('Overdue'), first);
    await axeClean(analyst, 'follow-ups');
    const halton = await as('council');
    await gotoPage(halton, '/risk/E06000006?period=2022-23');
    await halton.selectOption('#request-tier', 'support');
    await halton.selectOption('#request-offer', 'Buddying');
    await halton.fill('#request-reason', 'A buddy for our carers lead (browser test).');
    await submit(halton, '#request-form button[type=submit]');
    expect(`${name}: Halton asks for support`, (await halton.locator('#requests-list').innerText()).includes('A buddy for our carers lead'));
    await axeClean(halton, 'own-risk-profile-board');
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    for (const c of contexts) await c.close();
  }
}

// ---------------------------------------------------------------------------
// The collection journey: a council user signs in, uploads a return and writes
// commentary; the public cannot see either; the analyst accepts the return and
// publishes the quarter; the public now sees both. Runs last: an accepted real
// return takes the illustrative set off the public pages.
// ---------------------------------------------------------------------------
const JOURNEY_QUARTER = '2030-31 Q1';
const JOURNEY_COMMENTARY = 'Halton cleared its assessment backlog this quarter (browser test).';

async function checkCollectionJourney(browser) {
  const name = 'journey';
  if (!PASSWORD) {
    skipped += 1;
    console.log('SKIP journey: needs the test users (set TEST_PASSWORD)');
    return;
  }
  const quarter = encodeURIComponent(JOURNEY_QUARTER);
  const year = JOURNEY_QUARTER.slice(0, 7);
  const analyst = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const council = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const publicContext = await browser.newContext({ viewport: DESKTOP_VIEWPORT, bypassCSP: true });
  const submit = (page, selector) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
  try {
    expect(`${name}: the analyst signs in`, await signIn(analyst, 'analyst'));
    const a = await analyst.newPage();
    a.setDefaultTimeout(30_000);
    await gotoPage(a, '/rounds');
    await a.selectOption('#period', JOURNEY_QUARTER);
    await a.fill('#due-day', '15');
    await a.fill('#due-month', '8');
    await a.fill('#due-year', '2030');
    await submit(a, 'form.round-form button[type=submit]');
    expect(`${name}: the analyst opens the round`, (await h1Text(a)) === `Collection round ${JOURNEY_QUARTER}`, await h1Text(a));

    const c = await council.newPage();
    c.setDefaultTimeout(30_000);
    if (SMTP_PORT) {
      // The council's director gets the round's email, follows its link, signs in, and finds
      // the return on their home page.
      const mail = await emailTo(USERS.council, `The ${JOURNEY_QUARTER} collection round is open`);
      expect(`${name}: the council gets the round's email`, mail !== null, `${mailbox.length} message(s) received`);
      const link = mail && mail.match(/https?:\/\/\S+\/returns\b/);
      expect(`${name}: the email links to the returns page`, Boolean(link), mail || '');
      await gotoPage(c, link ? link[0].replace(/^https?:\/\/[^/]+/, '') : '/returns');
      expect(`${name}: the link asks the council to sign in`, (await h1Text(c)) === 'Sign in', await h1Text(c));
      await c.fill('#email', USERS.council);
      await c.fill('#password', PASSWORD);
      await submit(c, 'main button[type=submit]');
      expect(`${name}: sign-in lands on the home page`, new URL(c.url()).pathname === '/home', c.url());
      const item = c.locator('#todo a', { hasText: `Return for ${JOURNEY_QUARTER}` });
      expect(`${name}: the home page lists the return`, (await item.count()) === 1, (await c.locator('#todo').innerText().catch(() => '')));
      await homeAxe(c, 'journey-council-home');
      await submit(c, `#todo a:has-text("Return for ${JOURNEY_QUARTER}")`);
    } else {
      expect(`${name}: the council user signs in`, await signIn(council, 'council'));
    }
    await gotoPage(c, '/returns');
    await c.selectOption('#period', JOURNEY_QUARTER);
    const csv = 'authority,authority name,measure,measure title,period,value,numerator,denominator,note\n'
      + `E06000006,Halton,AS04,,${JOURNEY_QUARTER},71.5,143,200,\n`;
    await c.setInputFiles('#file', { name: 'halton-return.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await submit(c, 'form.upload-form button[type=submit]');
    const draft = (await c.locator('#status').innerText()).trim();
    expect(`${name}: the upload is checked and kept as a draft`, draft.startsWith('Draft (0 errors'), draft);
    await c.screenshot({ path: join(SCREENSHOT_DIR, 'journey-return.png'), fullPage: true });
    const blocking = await runAxe(c, 'journey-return');
    expect(`${name}: the return page has no serious/critical axe violations`, blocking.length === 0, blocking.map((v) => v.id).join(', '));
    await submit(c, '#submit-return');
    const submitted = (await c.locator('#status').innerText()).trim();
    expect(`${name}: the council submits its return`, submitted.startsWith('Submitted'), submitted);

    await gotoPage(c, `/authorities/E06000006/commentary?period=${year}`);
    await c.fill('#body-performance-outcomes', JOURNEY_COMMENTARY);
    await submit(c, '#domain-performance-outcomes button[value=submit]');
    const state = (await c.locator('#domain-performance-outcomes .commentary-status').innerText()).trim();
    expect(`${name}: the council submits its commentary`, state === 'Submitted for publication', state);

    const p = await publicContext.newPage();
    p.setDefaultTimeout(30_000);
    const measure = `/measures/AS04?period=${quarter}`;
    const domain = `/domains/performance-outcomes?period=${quarter}`;
    let res = await gotoPage(p, measure);
    expect(`${name}: the public cannot see the draft quarter`, res.status() === 404, `got ${res.status()}`);
    res = await gotoPage(p, `/returns`);
    expect(`${name}: the public is asked to sign in for returns`, (await h1Text(p)) === 'Sign in', await h1Text(p));

    await gotoPage(a, '/home');
    const waiting = a.locator('#todo a', { hasText: `Halton: return for ${JOURNEY_QUARTER} submitted` });
    expect(`${name}: the analyst's home shows the return waiting`, (await waiting.count()) === 1, await a.locator('#todo').innerText().catch(() => ''));
    await homeAxe(a, 'journey-analyst-home');
    await gotoPage(a, `/rounds/${quarter}`);
    const halton = (await a.locator("tr[data-council='E06000006'] td.status").innerText()).trim();
    expect(`${name}: the round shows Halton's return as submitted`, halton.startsWith('Submitted'), halton);
    await submit(a, "tr[data-council='E06000006'] a");
    await submit(a, '#accept-return');
    const accepted = (await a.locator('#status').innerText()).trim();
    expect(`${name}: the analyst accepts the return`, accepted === 'Accepted', accepted);
    res = await gotoPage(p, measure);
    expect(`${name}: accepted is not yet published`, res.status() === 404, `got ${res.status()}`);

    await gotoPage(a, '/publication');
    await submit(a, `tr[data-period='${JOURNEY_QUARTER}'] form[action$='/publish'] button`);
    res = await gotoPage(p, measure);
    const text = await p.content();
    expect(`${name}: the public sees the published value`, res.status() === 200 && text.includes('71.5'), `got ${res.status()}`);
    res = await gotoPage(p, domain);
    expect(`${name}: the public sees the published commentary`, res.status() === 200 && (await p.content()).includes(JOURNEY_COMMENTARY), `got ${res.status()}`);
    await p.screenshot({ path: join(SCREENSHOT_DIR, 'journey-published.png'), fullPage: true });
  } catch (err) {
    fail(name, err.message.split('\n')[0]);
  } finally {
    await analyst.close();
    await council.close();
    await publicContext.close();
  }
}

// A GOV.UK date input's day, month and year boxes (each found by `box(part)`), from YYYY-MM-DD.
async function fillDate(scope, box, iso) {
  const [year, month, day] = iso.split('-');
  await scope.locator(box('day')).fill(String(Number(day)));
  await scope.locator(box('month')).fill(String(Number(month)));
  await scope.locator(box('year')).fill(year);
}

// Axe on a home page at 1,280, 390 and 320 pixels (the header's account area and the service
// navigation wrap, never a sideways scroll), with a screenshot of each.
async function homeAxe(page, label) {
  for (const [viewport, width] of [[DESKTOP_VIEWPORT, '1280'], [PHONE_VIEWPORT, '390'], [{ width: 320, height: 640 }, '320']]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${label}-${width}.png`), fullPage: true });
    const blocking = await runAxe(page, `${label}-${width}`);
    expect(`${label} at ${width}: no serious/critical axe violations`, blocking.length === 0, blocking.map((v) => v.id).join(', '));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(`${label} at ${width}: no sideways scroll`, wide <= 0, `${wide}px too wide`);
  }
  await page.setViewportSize(DESKTOP_VIEWPORT);
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium not found at ${CHROMIUM}. Install Debian's chromium package (apt-get install chromium) or set CHROMIUM; no browser is downloaded.`);
    process.exit(1);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  console.log(`Base URL ${BASE_URL}; screenshots in ${SCREENSHOT_DIR}; browser ${CHROMIUM}`);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const smtp = SMTP_PORT ? startSmtp(SMTP_PORT) : null;
  try {
    console.log(`Chromium ${browser.version()}`);
    const present = await checkPages(browser);
    await checkWithoutScripts(browser, present);
    await checkPeriodSelector(browser);
    await checkComparatorSelector(browser);
    await checkDomainFilter(browser);
    await checkSkipLink(browser);
    await checkPhoneLayout(browser);
    await checkWideTables(browser);
    await checkPublicReader(browser);
    await checkRiskAssessment(browser);
    await checkImprovementYear(browser);
    await checkCollectionJourney(browser);
  } finally {
    await browser.close();
    if (smtp) smtp.close();
  }

  if (violations.length > 0) {
    console.log(`\n${violations.length} serious/critical axe violation(s):`);
    for (const v of violations) {
      console.log(`  ${v.page} | ${v.id} | ${v.impact} | ${v.help} | ${v.count} node(s): ${v.targets.join(' ; ')}`);
    }
  }
  if (skipped > 0) console.log(`(${skipped} optional page(s) skipped: 404)`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || violations.length > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  console.log(`browser: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
