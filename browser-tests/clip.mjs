import { chromium } from 'playwright-core';
const [path, width, out, y] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: +width, height: 900 } });
const page = await ctx.newPage();
await page.goto('http://127.0.0.1:3100' + path);
if (y) await page.evaluate((y) => { const el = document.querySelector(y); if (el) el.scrollIntoView(); }, y);
await page.screenshot({ path: out });
await browser.close();
