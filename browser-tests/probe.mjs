import { chromium } from 'playwright-core';
const BASE = process.env.BASE_URL || 'http://127.0.0.1:3100';
const paths = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const width of [320, 390, 1280]) {
  const ctx = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await ctx.newPage();
  for (const p of paths) {
    await page.goto(BASE + p);
    const r = await page.evaluate(() => {
      const vw = window.innerWidth;
      const out = [];
      for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('.table-scroll, .chart-scroll')) continue;
        const b = el.getBoundingClientRect();
        if (b.right > vw + 1 && b.width > 0 && !out.some((o) => o.el.contains(el))) out.push({ el, right: Math.round(b.right) });
      }
      let small = 0, smallest = 99;
      for (const t of document.querySelectorAll('svg text')) {
        const ctm = t.getScreenCTM(); if (!ctm) continue;
        const size = parseFloat(getComputedStyle(t).fontSize) * ctm.a;
        if (size < 12) { small++; smallest = Math.min(smallest, size); }
      }
      return { doc: document.documentElement.scrollWidth, vw, small, smallest: smallest.toFixed(1),
        out: out.slice(0, 4).map(({ el, right }) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${(el.className && el.className.baseVal === undefined ? el.className : '').toString().split(' ').join('.')}@${right}`) };
    });
    console.log(width, p, 'doc', r.doc, 'small svg text', r.small, r.smallest, r.out.join(' | '));
  }
  if (process.env.SHOT) await page.screenshot({ path: `/tmp/probe/${width}.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
