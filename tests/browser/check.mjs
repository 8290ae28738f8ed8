// The browser checks of tests/browser.rs, in a real browser (Debian's chromium
// driven by playwright-core), on the example site built and served on loopback.
//
//   node tests/browser/check.mjs --base http://127.0.0.1:PORT/ --site DIR --screenshots DIR [--all]
//
// Environment: RETIMENT_BROWSER_TOOLS (the folder scripts/install-browser-tools
// installed the npm packages into), RETIMENT_CHROMIUM (the browser).
//
// It checks, and reports every problem before failing:
//   1. on every page type (home, line, objective, action, action list, report
//      list, report, accountability, free page, 404, facet overview and page,
//      search) in every language — every page of the site with --all:
//      axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa) finds nothing; the page has
//      its language, one h1, headings without gaps, a skip link, captioned tables,
//      named charts, the Content-Security-Policy, no style attribute, inline
//      script or handler; at 320 CSS pixels it does not scroll sideways;
//   2. with the CSP enforced, no page type logs an error (a refused script or
//      style, a script error);
//   3. without JavaScript the main content, tables and charts are there, and no
//      control that needs a script is shown;
//   4. the search box and the action filter work, with the CSP enforced;
//   5. screenshots (desktop 1280 px, mobile 390 px) of the home page, action
//      2.3.2 and the 2019 report;
// and, all along, that no request leaves the site.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
    return acc;
  }, []),
);
const BASE = args.base;
const SITE = args.site;
const SHOTS = args.screenshots;
const TOOLS = process.env.RETIMENT_BROWSER_TOOLS;
const CHROMIUM = process.env.RETIMENT_CHROMIUM || '/usr/bin/chromium';
if (!BASE || !SITE || !SHOTS || !TOOLS) {
  console.error('usage: RETIMENT_BROWSER_TOOLS=DIR node check.mjs --base URL --site DIR --screenshots DIR [--all]');
  process.exit(2);
}
const require = createRequire(path.join(TOOLS, 'package.json'));
const { chromium } = require('playwright-core');
const AXE = require.resolve('axe-core/axe.min.js');
const ORIGIN = new URL(BASE).origin;
const started = Date.now();
const CONCURRENCY = 3;

const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);
const log = (...m) => console.log(...m);

// --- what to check ----------------------------------------------------------

const read = (rel) => fs.readFileSync(path.join(SITE, rel), 'utf8');
const plan = JSON.parse(read('data/plan.json'));
const langs = plan.site.languages;
const defaultLang = plan.site.language;
const prefixOf = (l) => (l === defaultLang ? '' : `${l}/`);

// The first value of a facet (its page's folder), from the built site.
function firstFacet(prefix, folder) {
  const dir = path.join(SITE, prefix, folder);
  const subs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return subs.length ? `${prefix}${folder}/${subs[0]}/` : null;
}

function pageTypes(l) {
  const p = prefixOf(l);
  const lp = JSON.parse(read(`${p}data/plan.json`));
  const rel = (url) => url.slice(BASE.length);
  const action = lp.actions.find((a) => a.id === '2.3.2') || lp.actions[0];
  const report = lp.reports.find((r) => r.year === 2019) || lp.reports[lp.reports.length - 1];
  const types = [
    ['home', p],
    ['line', rel(lp.lines[0].url)],
    ['objective', rel(lp.objectives[0].url)],
    ['action', rel(action.url)],
    ['actions', `${p}actions/`],
    ['reports', `${p}reports/`],
    ['report', report ? rel(report.url) : null],
    ['accountability', `${p}accountability/`],
    ['404', `${p}404.html`],
    ['search', `${p}search/`],
  ];
  // Free pages share one template: the first, and the accessibility statement.
  for (const pg of lp.pages.filter((x, i) => i === 0 || x.slug === 'accessibility')) types.push([`page ${pg.slug}`, rel(pg.url)]);
  // Facet overviews and pages share two templates; statuses and SDGs show badges, partners plain names.
  const used = [...new Set(lp.actions.flatMap((a) => a.sdgs))].sort((a, b) => a - b);
  types.push(['facets status', `${p}status/`], ['facets sdgs', `${p}sdgs/`]);
  types.push(['facet status', firstFacet(p, 'status')]);
  types.push(['facet sdg', used.length ? `${p}sdgs/${used[0]}/` : null]);
  types.push(['facet partner', firstFacet(p, 'partners')]);
  const empty = Array.from({ length: 17 }, (_, i) => i + 1).find((n) => !used.includes(n));
  if (empty) types.push(['facet sdg without actions', `${p}sdgs/${empty}/`]);
  for (const [name, url] of types) if (url == null) problem(`${l} ${name}`, 'no page of this type was built');
  return types.filter(([, url]) => url != null).map(([name, url]) => ({ lang: l, name, path: url }));
}

function allPages() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(SITE, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.html')) out.push(rel.endsWith('index.html') ? rel.slice(0, -'index.html'.length) : rel);
    }
  };
  walk('');
  return out.sort();
}

const langOfPath = (p) => langs.find((l) => l !== defaultLang && p.startsWith(`${l}/`)) || defaultLang;

// --- the browser ------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});

const foreign = new Set();
async function newContext(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  ctx.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (new URL(u).origin !== ORIGIN) foreign.add(u);
  });
  // Nothing may leave the machine, whatever a page asks for.
  await ctx.route((u) => u.origin !== ORIGIN && u.protocol !== 'data:', (route) => route.abort());
  return ctx;
}

// Run `fn(item, page)` over items with `n` pages of `ctx` at a time.
async function pool(ctx, items, n, fn) {
  let next = 0;
  const worker = async () => {
    const page = await ctx.newPage();
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item, page);
      } catch (e) {
        problem(item.path ?? String(item), `check failed: ${e.message.split('\n')[0]}`);
      }
    }
    await page.close();
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const url = (p) => BASE + p;
async function open(page, p) {
  const resp = await page.goto(url(p), { waitUntil: 'load' });
  if (!resp || resp.status() !== 200) problem(p || '/', `HTTP ${resp && resp.status()}`);
  return resp;
}

// --- 1. axe-core, structure and reflow --------------------------------------
// axe is injected as a script tag, which the page's Content-Security-Policy
// would refuse: this context bypasses the CSP (pass 2 enforces it).

let axeCount = 0;
let axeViolations = 0;
const types = langs.flatMap((l) => pageTypes(l));
const targets = args.all ? allPages().map((p) => ({ path: p, lang: langOfPath(p), name: p })) : types;

async function structure(page, item) {
  const s = await page.evaluate(() => {
    const hs = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((h) => !h.closest('[hidden]'));
    const levels = hs.map((h) => Number(h.tagName[1]));
    const gaps = [];
    levels.forEach((lv, i) => {
      const prev = i === 0 ? 0 : levels[i - 1];
      if (lv > prev + 1) gaps.push(`${prev ? `h${prev} → ` : "the first heading is "}h${lv} (“${hs[i].textContent.trim().slice(0, 40)}”)`);
    });
    return {
      lang: document.documentElement.lang,
      h1: document.querySelectorAll('h1').length,
      gaps,
      main: document.querySelectorAll('main').length,
      skip: !!document.querySelector('a.skip-link[href="#main"]') && !!document.getElementById('main'),
      styleAttrs: document.querySelectorAll('[style]').length,
      inlineScripts: [...document.scripts].filter((x) => !x.src).length,
      syncScripts: [...document.scripts].filter((x) => x.src && !x.defer && !x.async).length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
      jsUrls: document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i], [action^="javascript:" i]').length,
      tablesWithoutCaption: [...document.querySelectorAll('main table')].filter((t) => !t.querySelector('caption')).length,
      tablesWithoutHeaders: [...document.querySelectorAll('main table')].filter((t) => !t.querySelector('th')).length,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.content || '',
      svgs: [...document.querySelectorAll('main svg')].map((svg) => {
        const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
        return {
          role: svg.getAttribute('role'),
          name: ids.length > 0 && ids.every((id) => document.getElementById(id)?.textContent.trim()),
          viewBox: !!svg.getAttribute('viewBox'),
          width: svg.getAttribute('width'),
        };
      }),
    };
  });
  const w = item.path || '/';
  if (s.lang !== item.lang) problem(w, `<html lang="${s.lang}">, expected ${item.lang}`);
  if (s.h1 !== 1) problem(w, `${s.h1} h1 elements`);
  for (const g of s.gaps) problem(w, `heading level skipped: ${g}`);
  if (s.main !== 1) problem(w, `${s.main} main elements`);
  if (!s.skip) problem(w, 'no skip link to #main');
  if (s.styleAttrs) problem(w, `${s.styleAttrs} style attributes`);
  if (s.inlineScripts) problem(w, `${s.inlineScripts} inline scripts`);
  if (s.syncScripts) problem(w, `${s.syncScripts} scripts without defer`);
  if (s.handlers) problem(w, `${s.handlers} elements with inline event handlers`);
  if (s.jsUrls) problem(w, `${s.jsUrls} javascript: URLs`);
  if (s.tablesWithoutCaption) problem(w, `${s.tablesWithoutCaption} tables without a caption`);
  if (s.tablesWithoutHeaders) problem(w, `${s.tablesWithoutHeaders} tables without header cells`);
  for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'"]) {
    if (!s.csp.includes(d)) problem(w, `the Content-Security-Policy lacks ${d} (${s.csp || 'none'})`);
  }
  s.svgs.forEach((g, i) => {
    if (g.role !== 'img' || !g.name) problem(w, `chart ${i + 1}: not role="img" with a name from aria-labelledby`);
    if (!g.viewBox || g.width !== '100%') problem(w, `chart ${i + 1}: needs a viewBox and width="100%"`);
  });
}

{
  const ctx = await newContext({ bypassCSP: true });
  const t0 = Date.now();
  await pool(ctx, targets, CONCURRENCY, async (item, page) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await open(page, item.path);
    await structure(page, item);
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 180)}`) }));
    });
    axeCount++;
    for (const v of result) {
      axeViolations += v.nodes.length;
      problem(item.path || '/', `axe ${v.id} (${v.help}) on ${v.nodes.length} element(s): ${v.nodes.slice(0, 3).join(' | ')}`);
    }
    // WCAG 1.4.10: at 320 CSS pixels (400 % zoom of a 1280 px window) nothing scrolls sideways but tables.
    await page.setViewportSize({ width: 320, height: 640 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 320) problem(item.path || '/', `at 320 px wide the page is ${wide} px wide (scrolls sideways)`);
  });
  await ctx.close();
  log(`axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa), structure, reflow at 320 px: ${axeCount} pages, ${axeViolations} violations, in ${Date.now() - t0} ms`);
}

// --- 2. the Content-Security-Policy enforced, JavaScript on: no console error --

{
  const ctx = await newContext();
  const t0 = Date.now();
  const strict = types.filter((t) => t.lang === defaultLang);
  await pool(ctx, strict, CONCURRENCY, async (item, page) => {
    const errors = [];
    const onConsole = (m) => { if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) errors.push(m.text()); };
    const onError = (e) => errors.push(String(e));
    page.on('console', onConsole);
    page.on('pageerror', onError);
    await open(page, item.path);
    page.off('console', onConsole);
    page.off('pageerror', onError);
    for (const e of errors) problem(item.path || '/', `console: ${e.slice(0, 200)}`);
  });
  await ctx.close();
  log(`CSP enforced, no console error: ${strict.length} pages (every type) in ${Date.now() - t0} ms`);
}

// --- 3. without JavaScript ---------------------------------------------------

{
  const t0 = Date.now();
  const ctx = await newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  const byName = (l, n) => types.find((t) => t.lang === l && t.name === n);
  for (const l of langs) {
    for (const [name, want] of [
      ['home', { tables: 2, charts: 2 }],
      ['action', { tables: 1, charts: 0 }],
      ['actions', { tables: 5, charts: 0 }],
      ['report', { tables: 4, charts: 2 }],
      ['accountability', { tables: 3, charts: 3 }],
      ['line', { tables: 2, charts: 0 }],
      ['search', { tables: 0, charts: 0 }],
    ]) {
      const item = byName(l, name);
      await open(page, item.path);
      const s = await page.evaluate(() => {
        const visible = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        return {
          h1: visible(document.querySelector('main h1')) ? document.querySelector('main h1').textContent.trim() : '',
          tables: [...document.querySelectorAll('main table')].filter(visible).length,
          captions: [...document.querySelectorAll('main table')].filter((t) => !t.querySelector('caption')).length,
          charts: [...document.querySelectorAll('main svg[role="img"]')].filter(visible).length,
          text: document.querySelector('main').innerText.length,
          controls: [...document.querySelectorAll('main input, main select, main button')].filter(visible).length,
          links: [...document.querySelectorAll('main a[href]')].map((a) => a.getAttribute('href')),
        };
      });
      const w = `${item.path || '/'} (no JavaScript)`;
      if (!s.h1) problem(w, 'no visible h1');
      if (s.text < 200) problem(w, `main has only ${s.text} characters`);
      if (s.tables < want.tables) problem(w, `${s.tables} visible tables, expected at least ${want.tables}`);
      if (s.captions) problem(w, `${s.captions} tables without a caption`);
      if (s.charts < want.charts) problem(w, `${s.charts} visible charts, expected at least ${want.charts}`);
      if (s.controls) problem(w, `${s.controls} form controls that do nothing without JavaScript are visible`);
      if (name === 'search' || name === 'actions') {
        const root = BASE + prefixOf(l);
        for (const need of [...(name === 'search' ? ['actions/'] : []), 'status/', 'sdgs/']) {
          if (!s.links.some((h) => h === root + need)) problem(w, `no link to ${root + need}`);
        }
      }
    }
  }
  await ctx.close();
  log(`without JavaScript: home, line, action, actions, report, accountability, search in every language, in ${Date.now() - t0} ms`);
}

// --- 4. search and the action filter, with JavaScript (CSP enforced) ---------

{
  const t0 = Date.now();
  const ctx = await newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  for (const l of langs) {
    const p = prefixOf(l);
    const lp = JSON.parse(read(`${p}data/plan.json`));
    // Search: a word of an action's title finds the action, in place.
    await open(page, `${p}search/`);
    const box = page.getByRole('searchbox');
    if (!(await box.count())) { problem(`${p}search/`, 'no search box with JavaScript'); continue; }
    const label = await box.evaluate((i) => (i.labels && i.labels[0] ? i.labels[0].textContent.trim() : i.getAttribute('aria-label') || ''));
    if (!label) problem(`${p}search/`, 'the search box has no label');
    const target = lp.actions.find((a) => a.id === '2.3.2') || lp.actions[0];
    const word = target.title.split(/\s+/).filter((w) => w.length > 6).sort((a, b) => b.length - a.length)[0].replace(/[^\p{L}\p{N}-]/gu, '');
    await box.fill(word);
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: 5000 }).catch(() => {});
    const found = await page.evaluate(() => ({
      hrefs: [...document.querySelectorAll('#search-results li a')].map((a) => a.href),
      status: document.querySelector('[role="status"]#search-status')?.textContent.trim() || '',
      n: document.querySelectorAll('#search-results li').length,
    }));
    if (!found.hrefs.includes(target.url)) problem(`${p}search/`, `searching “${word}” does not list ${target.url} (got ${found.hrefs.slice(0, 5).join(', ')})`);
    if (!found.status.includes(new Intl.NumberFormat(l).format(found.n))) problem(`${p}search/`, `the live region does not announce the ${found.n} results: “${found.status}”`);
    await box.fill('zzqxjvwk');
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 0, null, { timeout: 5000 }).catch(() => {});
    const none = await page.evaluate(() => document.querySelector('#search-status')?.textContent.trim() || '');
    if (!none || (await page.locator('#search-results li').count())) problem(`${p}search/`, `a word found nowhere: “${none}”`);
    // Accent-insensitive: the word without accents finds the same page.
    const plain = word.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
    await box.fill(plain);
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: 5000 }).catch(() => {});
    const found2 = await page.evaluate(() => [...document.querySelectorAll('#search-results li a')].map((a) => a.href));
    if (!found2.includes(target.url)) problem(`${p}search/`, `searching “${plain}” (no accents, capitals) does not find ${target.url}`);
    // ?q= opens with results
    await open(page, `${p}search/?q=${encodeURIComponent(word)}`);
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: 5000 }).catch(() => {});
    if (!(await page.locator('#search-results li').count())) problem(`${p}search/?q=`, 'the query in the address is not searched');

    // The action filter.
    await open(page, `${p}actions/`);
    const rows = () => page.evaluate(() => [...document.querySelectorAll('main tr[data-status]')].filter((r) => r.getClientRects().length > 0).map((r) => ({ status: r.dataset.status, line: r.dataset.line, sdgs: (r.dataset.sdgs || '').split(' ').filter(Boolean) })));
    const announce = () => page.evaluate(() => document.querySelector('#filter-count')?.textContent.trim() || '');
    const all = await rows();
    if (all.length !== lp.actions.length) problem(`${p}actions/`, `${all.length} rows with data-status, expected ${lp.actions.length}`);
    const statusSel = page.getByLabel(/.+/).and(page.locator('select#filter-status-select'));
    if (!(await statusSel.count())) { problem(`${p}actions/`, 'no labelled status filter with JavaScript'); continue; }
    for (const [sel, value, keep] of [
      ['#filter-status-select', 'completed', (a) => a.status === 'completed'],
      ['#filter-status-select', 'delayed', (a) => a.status === 'delayed'],
      ['#filter-line-select', lp.lines[lp.lines.length - 1].id, (a) => a.line === lp.lines[lp.lines.length - 1].id],
      ['#filter-sdg-select', '11', (a) => a.sdgs.includes(11)],
    ]) {
      await page.selectOption('#filter-status-select', '');
      await page.selectOption('#filter-line-select', '');
      await page.selectOption('#filter-sdg-select', '');
      await page.selectOption(sel, value);
      const shown = await rows();
      const want = lp.actions.filter(keep).length;
      if (shown.length !== want) problem(`${p}actions/`, `filter ${sel}=${value} shows ${shown.length} rows, expected ${want}`);
      const msg = await announce();
      if (!msg.includes(new Intl.NumberFormat(l).format(want))) problem(`${p}actions/`, `filter ${sel}=${value}: the live region says “${msg}”, not ${want}`);
      if (!page.url().includes(`${sel.split('-')[1]}=${value}`)) problem(`${p}actions/`, `filter ${sel}=${value} is not kept in the address (${page.url()})`);
    }
    // Combined, then reset.
    await page.selectOption('#filter-sdg-select', '');
    await page.selectOption('#filter-status-select', 'completed');
    await page.selectOption('#filter-line-select', lp.lines[0].id);
    const both = lp.actions.filter((a) => a.status === 'completed' && a.line === lp.lines[0].id).length;
    if ((await rows()).length !== both) problem(`${p}actions/`, 'status and line together do not combine');
    await page.reload();
    if ((await rows()).length !== both) problem(`${p}actions/`, 'a filtered address does not open filtered');
    await page.locator('form.filters button[type="reset"], form.filters input[type="reset"]').first().click();
    await page.waitForTimeout(50);
    if ((await rows()).length !== lp.actions.length) problem(`${p}actions/`, 'reset does not show every action again');
  }
  for (const e of errors) problem('search/filter', `console: ${e.slice(0, 200)}`);
  await ctx.close();
  log(`search and action filter with JavaScript: every language, in ${Date.now() - t0} ms`);
}

// --- 5. screenshots ----------------------------------------------------------

{
  const t0 = Date.now();
  fs.mkdirSync(SHOTS, { recursive: true });
  const shots = [
    ['home', types.find((t) => t.lang === defaultLang && t.name === 'home').path],
    ['action-2.3.2', types.find((t) => t.lang === defaultLang && t.name === 'action').path],
    ['report-2019', types.find((t) => t.lang === defaultLang && t.name === 'report').path],
  ];
  for (const [size, viewport] of [['desktop', { width: 1280, height: 900 }], ['mobile', { width: 390, height: 844 }]]) {
    const ctx = await newContext({ viewport, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    for (const [name, pth] of shots) {
      await open(page, pth);
      const file = path.join(SHOTS, `${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: true });
    }
    await ctx.close();
  }
  log(`screenshots: ${SHOTS}/{home,action-2.3.2,report-2019}-{desktop,mobile}.png (${defaultLang}), in ${Date.now() - t0} ms`);
}

await browser.close();

if (foreign.size) for (const u of foreign) problem('requests', `a request left the site: ${u}`);

log(`browser checks done in ${Date.now() - started} ms: ${problems.length} problem(s)`);
if (problems.length) {
  console.error(problems.map((p) => `  ${p}`).join('\n'));
  process.exit(1);
}
