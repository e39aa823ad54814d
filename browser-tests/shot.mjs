import { chromium } from 'playwright-core';
const [path, width, out, full] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: +width, height: 900 } });
const page = await ctx.newPage();
await page.goto('http://127.0.0.1:3100' + path);
await page.screenshot({ path: out, fullPage: full === 'full' });
await browser.close();
