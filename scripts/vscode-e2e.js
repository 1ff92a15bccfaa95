#!/usr/bin/env node
// Drives a real VS Code workbench (code-server in headless Chromium, started by
// scripts/vscode-e2e.sh) with the keyboard, as a user would: opens the note that has a
// figure conflict, shows the hover of an entity, its references (peek) and the hover of the
// conflicting figure, opens the Problems panel, types the source's figure over the note's
// (the warning goes, no save) and undoes it (it comes back), saves PNGs and checks what the
// UI shows.
//
//   NODE_PATH=<dir with playwright-core> BIN=<corpus-ls> WORKSPACE=<corpus copy> \
//   SHOTS=editors/vscode/images OUT=/tmp/e2e.json node scripts/vscode-e2e.js http://127.0.0.1:PORT/?folder=...
//
// The positions come from the CLI (`check` and `mentions` on WORKSPACE), so the script follows
// the example corpus as it changes. Exit 0 when every check passed, 1 otherwise.
// Approach (Quick Open race, Go to Line offsets, hover via Ctrl+K Ctrl+I) learned from the
// shared vscode-ui-probe.js recipe; the code here is our own.
'use strict';
const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const url = process.argv[2];
const BIN = process.env.BIN;
const WORKSPACE = process.env.WORKSPACE;
const SHOTS = path.resolve(process.env.SHOTS || 'editors/vscode/images');
const OUT = process.env.OUT || path.join(os.tmpdir(), 'corpus-ls-vscode-e2e.json');
const READY_MS = Number(process.env.READY_TIMEOUT_MS || 60000);
const t0 = Date.now();
const result = { url, checks: [], errors: [], screenshots: [] };
let page;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[vscode-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

function check(name, ok, detail) {
  result.checks.push({ name, ok: !!ok, detail });
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok ? '' : `: ${JSON.stringify(detail).slice(0, 400)}`}`);
}

async function until(fn, timeout, every = 150) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return null;
    await sleep(every);
  }
}

function cli(args) {
  const text = execFileSync(BIN, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

// What to look at: the note with a figure conflict, and an entity that note mentions that
// also appears in other files (a person if there is one, the most mentioned).
function pickTargets() {
  const findings = cli(['check', WORKSPACE, '--format', 'json', '--fail-on', 'never']);
  const conflict = findings.find((f) => f.code === 'figure-conflict');
  if (!conflict) throw new Error('the corpus shows no figure-conflict (corpus-ls check)');
  const entities = cli(['entities', WORKSPACE, '--format', 'json'])
    .filter((e) => (Array.isArray(e.files) ? e.files.length : e.files) >= 2)
    // a person first: their hover has the most to show (title, aliases)
    .sort((a, b) => (b.type === 'PER') - (a.type === 'PER') || b.mentions - a.mentions);
  for (const e of entities) {
    const m = cli(['mentions', e.entity, WORKSPACE, '--format', 'json']).find((x) => x.file === conflict.file);
    if (m) return { note: conflict.file, conflict, entity: e.entity, mention: m };
  }
  throw new Error(`no entity of ${conflict.file} is mentioned in another file`);
}

async function shot(name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.mouse.move(0, 0); // a pointer over the editor would open a mouse hover
  await sleep(400); // let fades and markdown rendering finish
  const p = path.join(SHOTS, name);
  await page.screenshot({ path: p });
  result.screenshots.push(p);
  return p;
}

const visible = `(e) => { if (!e) return false; const r = e.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0) return false; const s = getComputedStyle(e);
  return s.visibility !== 'hidden' && s.display !== 'none'; }`;

async function quickInputOpen() {
  return page.evaluate(`[...document.querySelectorAll('.quick-input-widget')].some(${visible})`);
}

async function editorFocused() {
  return page.evaluate(() => {
    const a = document.activeElement;
    return !!(a && a.closest('.monaco-editor') && !a.closest('.zone-widget, .monaco-hover, .quick-input-widget'));
  });
}

async function focusEditor() {
  if (await editorFocused()) return;
  await page.keyboard.press('Escape');
  await sleep(150);
  if (await editorFocused()) return;
  await page.keyboard.press('Control+1'); // View: Focus First Editor Group
  await until(editorFocused, 2000);
}

async function openQuickInput(key) {
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press(key);
    if (await until(quickInputOpen, 2500)) return;
    await focusEditor();
  }
  throw new Error(`${key} did not open the quick input`);
}

// Quick Open fills its list asynchronously: press Enter only when the focused row is the
// file and the list stopped changing, or Enter opens whatever was focused before.
async function openFile(abs) {
  const base = path.basename(abs);
  let last = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    await openQuickInput('Control+P');
    await page.keyboard.insertText(abs);
    let prev = null;
    const ready = await until(async () => {
      const s = await page.evaluate(`(() => {
        const w = [...document.querySelectorAll('.quick-input-widget')].find(${visible});
        const f = w && w.querySelector('.monaco-list-row.focused');
        return w ? { focused: f ? f.getAttribute('aria-label') || '' : '', rows: w.querySelectorAll('.monaco-list-row').length } : null;
      })()`);
      last = s;
      const key = s && (s.focused === base || s.focused.startsWith(base + ',') || s.focused.startsWith(base + ' ')) ? JSON.stringify(s) : null;
      const stable = key !== null && key === prev;
      prev = key;
      return stable;
    }, 15000, 200);
    if (ready) {
      await page.keyboard.press('Enter');
      const opened = await until(async () => (await page.title()).replace(/^[●•]\s*/, '').startsWith(base), 5000);
      if (opened) { await until(editorFocused, 3000); return; }
    }
    await page.keyboard.press('Escape');
  }
  throw new Error(`Quick Open could not open ${abs} (picker: ${JSON.stringify(last)}, title: ${await page.title()})`);
}

// Go to Line's "::N" form jumps to a character offset, which is exact on any line (the
// line:column form counts visual columns). N is 1-based over the UTF-16 text VS Code holds.
async function gotoPosition(abs, pos) {
  const text = fs.readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  const eol = text.includes('\r\n') ? 2 : 1;
  const lines = text.split(/\r\n|\n/);
  let offset = 0;
  for (let i = 0; i < pos.line; i++) offset += lines[i].length + eol;
  offset += pos.character;
  await focusEditor();
  await openQuickInput('Control+G');
  await page.keyboard.insertText(`:${offset + 1}`); // the picker starts with one ':' already
  await sleep(200);
  await page.keyboard.press('Enter');
  await until(async () => !(await quickInputOpen()), 3000);
  await sleep(100);
  await focusEditor(); // editor keybindings (the hover's) need the focus in the text
  // The status bar says where the cursor is ("Ln 3, Col 7"; the column is visual).
  const where = await page.evaluate(() => {
    const e = document.getElementById('status.editor.selection');
    return e ? e.innerText.trim() : '';
  });
  const m = where.match(/Ln (\d+), Col (\d+)/);
  if (!m || Number(m[1]) !== pos.line + 1) throw new Error(`Go to ${pos.line}:${pos.character} left the cursor at ${where}`);
}

async function hoverText() {
  return page.evaluate(`(() => {
    const h = [...document.querySelectorAll('.monaco-hover')].find((e) => !e.classList.contains('hidden') && (${visible})(e)
      && !e.closest('.workbench-hover-container'));
    const t = h ? h.innerText.trim() : '';
    return t && !/^Loading\\.\\.\\.$/.test(t) ? t : null;
  })()`);
}

// Ctrl+K Ctrl+I is "Show or Focus Hover". Until the server is up there is nothing to show,
// so the first hover is retried for up to READY_MS.
async function hoverAt(abs, pos, wanted, timeout) {
  const end = Date.now() + timeout;
  let text = null;
  while (Date.now() < end) {
    await gotoPosition(abs, pos);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    text = await until(async () => {
      const t = await hoverText();
      return t && wanted(t) ? t : null;
    }, 3000);
    if (text) break;
    await page.keyboard.press('Escape');
    await sleep(700);
  }
  // markdown renders in steps: wait for the text to settle
  for (let i = 0; i < 10 && text; i++) {
    await sleep(150);
    const t = await hoverText();
    if (t === text) break;
    text = t;
  }
  return text;
}

async function problemRows() {
  return page.evaluate(`(() => {
    const p = [...document.querySelectorAll('.markers-panel')].find(${visible});
    return p ? [...p.querySelectorAll('.monaco-list-row')].map((r) => ({
      label: r.getAttribute('aria-label') || '', text: r.innerText.replace(/\\n+/g, ' ').trim() })) : null;
  })()`);
}

async function main() {
  if (!url || !BIN || !WORKSPACE) throw new Error('usage: BIN=... WORKSPACE=... node vscode-e2e.js URL');
  const t = pickTargets();
  result.targets = t;
  const note = path.join(WORKSPACE, t.note);
  log(`note ${t.note}; entity ${JSON.stringify(t.entity)} at ${t.mention.range.start.line}:${t.mention.range.start.character};`,
    `conflict at ${t.conflict.range.start.line}:${t.conflict.range.start.character}`);

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-ls-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 760 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => result.errors.push(`page: ${e.message}`));
    await page.goto(url, { waitUntil: 'load', timeout: 90000 });
    await page.waitForSelector('.monaco-workbench .part.editor', { state: 'visible', timeout: 90000 });
    log('workbench visible');
    await sleep(1500); // keybindings are wired a moment after the first paint

    await openFile(note);
    log('note open');

    // 1. Hover on an entity: the card names it.
    const entityText = await hoverAt(note, t.mention.range.start,
      (s) => s.toLowerCase().includes(t.entity.toLowerCase()), READY_MS);
    result.entityHover = entityText;
    check(`hover on ${t.mention.text} names ${t.entity}`, entityText, entityText);
    await shot('hover.png');
    await page.keyboard.press('Escape');

    // 2. Go to References (Shift+F12) on the same mention: the peek lists several files.
    await gotoPosition(note, t.mention.range.start);
    await page.keyboard.press('Shift+F12');
    const peek = await until(async () => {
      const p = await page.evaluate(`(() => {
        const w = [...document.querySelectorAll('.reference-zone-widget')].find(${visible});
        if (!w || !w.querySelector('.monaco-list-row')) return null;
        const rows = [...w.querySelectorAll('.monaco-list-row')];
        return { title: (w.querySelector('.peekview-title') || w).innerText.replace(/\\n+/g, ' ').trim(),
          files: rows.filter((r) => r.getAttribute('aria-level') === '1').map((r) => r.innerText.replace(/\\n+/g, ' ').trim()) };
      })()`);
      return p && p.files.length > 0 ? p : null;
    }, 10000);
    result.references = peek;
    check('references peek lists mentions in several files', peek && peek.files.length >= 2, peek);
    await shot('references.png');
    await page.keyboard.press('Escape');
    await focusEditor();

    // 3. Hover on the conflicting figure: VS Code shows the warning with the server's hover.
    const warnText = await hoverAt(note, t.conflict.range.start,
      (s) => s.includes(t.conflict.message.slice(0, 30)), 15000);
    result.warningHover = warnText;
    check('hover on the conflicting figure shows the warning', warnText, warnText);
    await shot('warning.png');
    await page.keyboard.press('Escape');

    // 4. The Problems panel lists the note's warnings with their codes.
    await focusEditor();
    await page.keyboard.press('Control+Shift+M');
    const rows = await until(async () => {
      const r = await problemRows();
      return r && r.some((x) => x.text.includes('figure-conflict')) ? r : null;
    }, 15000);
    result.problems = rows || (await problemRows());
    check('Problems lists a figure-conflict', rows, result.problems);
    // For the picture: only the notes' problems, in a taller panel (drag its top edge up).
    const filter = await page.$('.markers-panel-container .viewpane-filter input, .panel .viewpane-filter input');
    if (filter) {
      await filter.click();
      await page.keyboard.insertText('**/notes/**');
      await sleep(500);
    }
    const box = await page.evaluate(`(() => {
      const p = [...document.querySelectorAll('.part.panel')].find(${visible});
      if (!p) return null; const top = p.getBoundingClientRect().top;
      // the horizontal sash on the panel's top edge
      const sash = [...document.querySelectorAll('.monaco-sash.horizontal')].filter(${visible})
        .map((e) => e.getBoundingClientRect()).find((r) => Math.abs(r.top + r.height / 2 - top) < 6);
      return sash ? { x: sash.x + sash.width / 2, y: sash.y + sash.height / 2 } : null;
    })()`);
    if (box) {
      await page.mouse.move(box.x, box.y);
      await page.mouse.down();
      await page.mouse.move(box.x, 260, { steps: 8 });
      await page.mouse.up();
    }
    await shot('problems.png');

    // 5. Type the source's figure over the note's (no save): the warning leaves the Problems
    // panel; Ctrl+Z brings it back.
    const bytesOf = (v) => fs.readFileSync(path.join(WORKSPACE, v.file)).subarray(v.start_byte, v.end_byte).toString('utf8');
    const from = bytesOf(t.conflict);
    const to = bytesOf(t.conflict.related[0]);
    const listed = async () => ((await problemRows()) || []).some((x) => x.text.includes(t.conflict.message.slice(0, 30)));
    await gotoPosition(note, t.conflict.range.start);
    for (let i = 0; i < from.length; i++) await page.keyboard.press('Shift+ArrowRight');
    let t1 = Date.now();
    await page.keyboard.type(to);
    const gone = await until(async () => !(await listed()), 5000, 50);
    result.edit = { from, to, gone_ms: gone ? Date.now() - t1 : null };
    check(`typing ${JSON.stringify(to)} over ${JSON.stringify(from)} clears the warning`, gone, result.edit);
    t1 = Date.now();
    await page.keyboard.press('Control+Z');
    const back = await until(listed, 5000, 50);
    result.edit.back_ms = back ? Date.now() - t1 : null;
    check('undo brings the warning back', back, result.edit);
  } catch (e) {
    await shot('failure.png').catch(() => {});
    throw e;
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main()
  .catch((e) => { result.errors.push(String((e && e.stack) || e)); log('FAILED:', e && e.message); })
  .finally(() => {
    result.ms = Date.now() - t0;
    fs.writeFileSync(OUT, JSON.stringify(result, null, 1));
    const ok = result.errors.filter((e) => !e.startsWith('page:')).length === 0
      && result.checks.length > 0 && result.checks.every((c) => c.ok);
    log(`${ok ? 'OK' : 'FAILED'}; result in ${OUT}`);
    process.exit(ok ? 0 : 1);
  });
