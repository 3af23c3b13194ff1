// The demo page: the package's default model loads at start (another can be loaded), type or open
// text, see its tokens. Each engine runs in its own
// Web Worker (bytepiece-wasm/worker), so typing stays smooth on megabytes of text and the two
// engines are timed side by side on the same text.
import { TokenizerWorker, type EncodeOptions, type ModelInfo } from 'bytepiece-wasm/worker';
import { hex, pieceParts, splitsCharacter } from './pieces';
import { SAMPLES } from './samples';
import { setupTrainPanel } from './train-panel';
import './style.css';

type Engine = 'wasm' | 'js';
const ENGINES: Engine[] = ['wasm', 'js'];
const ENGINE_NAMES: Record<Engine, string> = { wasm: 'WebAssembly', js: 'pure JS' };
/** Chips drawn at most; the stats and the ids always cover the whole text. */
const MAX_CHIPS = 5000;
/** Each engine repeats short texts for at least this long, so their times are worth comparing. */
const MIN_TIMING_MS = 25;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const app = $('app');
const textArea = $<HTMLTextAreaElement>('text');
const tokensEl = $('tokens');
const tip = $('tip');
const lineBreaks = $<HTMLSelectElement>('line-breaks');
const sampleOn = $<HTMLInputElement>('sample-on');
const alphaInput = $<HTMLInputElement>('alpha');

// Workers start now, so the kernel is fetched and compiled while the page is still online.
const workers: Record<Engine, TokenizerWorker> = {
  wasm: new TokenizerWorker({ engine: 'wasm' }),
  js: new TokenizerWorker({ engine: 'js' }),
};

let model: { label: string; info: ModelInfo; loadMs: Record<Engine, number> } | undefined;
let engine: Engine = 'wasm';
/** Text from a file, used byte-exact (a textarea turns CRLF into LF) until the user edits it. */
let exactText: string | null = null;
let renders = 0;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmtMs = (ms: number) => (ms < 1 ? `${fmt(ms, 3)} ms` : ms < 100 ? `${fmt(ms, 2)} ms` : `${fmt(ms)} ms`);
const utf8Length = (text: string) => new TextEncoder().encode(text).length;

// ---------------------------------------------------------------- model loading

function setModelStatus(state: 'empty' | 'loading' | 'ok' | 'error', text: string): void {
  $('model-status').dataset.state = state;
  $('model-status-text').textContent = text;
}

/** The package's default model: each worker fetches it from beside its own script (the bundle). */
const DEFAULT_MODEL = 'bytepiece.eu.plus.160k';

/** Counts loads: a load started later (the user's model) supersedes one still under way. */
let loads = 0;

async function loadDefaultModel(): Promise<void> {
  const label = `${DEFAULT_MODEL} (built in)`;
  const mine = ++loads;
  setModelStatus('loading', `Loading ${label}…`);
  app.dataset.busy = 'true';
  try {
    // One engine after the other: the second fetch is served from the HTTP cache. Each worker runs
    // requests in order, so a model loaded meanwhile is loaded after this one and stays.
    const wasm = await workers.wasm.load();
    if (mine !== loads) return;
    const js = await workers.js.load();
    if (mine !== loads) return;
    model = { label, info: wasm, loadMs: { wasm: wasm.ms, js: js.ms } };
    setModelStatus('ok', `${label} · ${fmt(wasm.vocabSize)} ids · ready in ${fmtMs(Math.max(wasm.ms, js.ms))} · or load another model`);
    setupSampling(model.info);
    requestUpdate();
  } catch (e) {
    if (mine !== loads) return;
    setModelStatus('error', (e as Error).message);
    app.dataset.busy = 'false';
  }
}

async function loadModel(source: Blob | string, label: string): Promise<void> {
  const mine = ++loads;
  setModelStatus('loading', `Loading ${label}…`);
  app.dataset.busy = 'true';
  try {
    // One download, one Blob: each worker reads it itself, nothing is copied on this thread.
    let blob: Blob;
    if (typeof source === 'string') {
      const response = await fetch(source);
      if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${response.statusText}`.trim());
      blob = await response.blob();
    } else {
      blob = source;
    }
    if (mine !== loads) return;
    const infos = await Promise.all(ENGINES.map((e) => workers[e].load(blob, { name: label })));
    if (mine !== loads) return;
    const loadMs = { wasm: infos[0]!.ms, js: infos[1]!.ms };
    model = { label, info: infos[0]!, loadMs };
    const mb = blob.size / 1e6;
    setModelStatus('ok', `${label} · ${fmt(model.info.vocabSize)} ids · ${fmt(mb, 1)} MB · ready in ${fmtMs(Math.max(loadMs.wasm, loadMs.js))}`);
    setupSampling(model.info);
    requestUpdate();
  } catch (e) {
    if (mine !== loads) return;
    setModelStatus('error', (e as Error).message);
    app.dataset.busy = 'false';
  }
}

const isModelFile = (file: File) => /\.(zip|model)$/i.test(file.name) || file.type === 'application/zip';

$<HTMLInputElement>('model-file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void loadModel(file, file.name);
});

$<HTMLFormElement>('url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const url = $<HTMLInputElement>('model-url').value.trim();
  if (url) void loadModel(url, url.split('/').pop() || url);
});

// Drop anywhere: a model file loads the model, anything else is opened as text.
let dragDepth = 0;
window.addEventListener('dragenter', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  $('drag-overlay').hidden = false;
});
window.addEventListener('dragleave', () => {
  if (--dragDepth <= 0) $('drag-overlay').hidden = true;
});
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  $('drag-overlay').hidden = true;
  const file = e.dataTransfer?.files[0];
  if (!file) return;
  if (isModelFile(file)) void loadModel(file, file.name);
  else void openTextFile(file);
});

// ---------------------------------------------------------------- text

function effectiveText(): string {
  if (exactText !== null) return exactText;
  return lineBreaks.value === 'crlf' ? textArea.value.replace(/\n/g, '\r\n') : textArea.value;
}

function setText(text: string, exact: boolean): void {
  exactText = exact ? text : null;
  textArea.value = text;
  updateTextNote();
  requestUpdate();
}

function updateTextNote(): void {
  $('text-note').textContent = exactText !== null ? 'file contents used exactly' : '';
}

async function openTextFile(file: File): Promise<void> {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await file.arrayBuffer());
  if (text.includes('\r\n')) lineBreaks.value = 'crlf';
  setText(text, true);
}

textArea.addEventListener('input', () => {
  exactText = null;
  updateTextNote();
  requestUpdate();
});
lineBreaks.addEventListener('change', () => {
  if (exactText !== null) {
    textArea.value = exactText;
    exactText = null;
    updateTextNote();
  }
  requestUpdate();
});
$<HTMLInputElement>('text-file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void openTextFile(file);
});
$('grow').addEventListener('click', () => {
  const base = effectiveText() || SAMPLES[0]!.text;
  const unit = base.endsWith('\n') ? base : `${base}\n`;
  setText(unit.repeat(Math.max(1, Math.ceil(1e6 / utf8Length(unit)))), exactText !== null);
});

for (const sample of SAMPLES) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = sample.label;
  button.addEventListener('click', () => {
    lineBreaks.value = 'lf';
    setText(sample.text, false);
  });
  $('samples').append(button);
}

// ---------------------------------------------------------------- engine and sampling

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=engine]')) {
  radio.addEventListener('change', () => {
    engine = radio.value as Engine;
    requestUpdate();
  });
}

function setupSampling(info: ModelInfo): void {
  const fieldset = $<HTMLFieldSetElement>('sampling');
  fieldset.disabled = !info.sampling;
  fieldset.dataset.available = String(info.sampling);
  $('sampling-note').textContent = info.sampling
    ? 'α = 0: every segmentation equally likely; larger α: closer to the best one.'
    : 'This build of bytepiece-wasm has no sampling yet (encode with α, setSeed): the controls come alive when it does.';
}

const encodeOptions = (): EncodeOptions => (model?.info.sampling && sampleOn.checked ? ({ alpha: Number(alphaInput.value) } as EncodeOptions) : {});

alphaInput.addEventListener('input', () => {
  $('alpha-value').textContent = Number(alphaInput.value).toFixed(2);
  if (sampleOn.checked) requestUpdate();
});
sampleOn.addEventListener('change', requestUpdate);
$('resample').addEventListener('click', async () => {
  const seed = Math.floor(Math.random() * 2 ** 31);
  await Promise.all(ENGINES.map((e) => workers[e].setSeed(seed)));
  sampleOn.checked = true;
  requestUpdate();
});

// ---------------------------------------------------------------- tokenizing

// Latest wins: while the workers are busy, further edits only mark the text dirty.
let running = false;
let dirty = false;

function requestUpdate(): void {
  if (!model) return;
  dirty = true;
  app.dataset.busy = 'true';
  if (!running) void run();
}

async function run(): Promise<void> {
  running = true;
  while (dirty) {
    dirty = false;
    try {
      await update();
    } catch (e) {
      showError(e as Error);
    }
  }
  running = false;
  app.dataset.busy = 'false';
}

async function update(): Promise<void> {
  const text = effectiveText();
  const options = encodeOptions();
  const sampling = 'alpha' in options;
  const selected = engine;
  const timed = await Promise.all(ENGINES.map((e) => workers[e].encodeTimed(text, options, MIN_TIMING_MS)));
  const result = { wasm: timed[0]!, js: timed[1]! };
  const { ids, ms } = result[selected];
  const shown = ids.slice(0, MAX_CHIPS);
  const pieces = await workers[selected].idsToPieces(shown);
  // Where each token is in the text, for the hover highlight (a sample would be drawn anew: none then).
  const offsets = sampling ? undefined : await workers[selected].encodeWithOffsets(text, options);
  if (dirty) return; // stale: the text changed meanwhile, the next round draws
  spans = offsets && { text, starts: offsets.starts, ends: offsets.ends };
  spanView.hidden = true;

  const bytes = utf8Length(text.normalize('NFC'));
  $('stat-tokens').textContent = fmt(ids.length);
  $('stat-bytes').textContent = fmt(bytes);
  $('stat-bpt').textContent = ids.length ? fmt(bytes / ids.length, 2) : '–';
  $('stat-ms').textContent = fmtMs(ms);
  $('stat-speed').textContent = ms > 0 && bytes > 0 ? `${fmt(bytes / 1e3 / ms, 1)} MB/s` : '–';
  for (const e of ENGINES) $(`time-${e}`).textContent = text ? fmtMs(result[e].ms) : '';
  drawComparison(result.wasm.ms, result.js.ms, bytes);
  drawTokens(shown, pieces, ids.length);
  $<HTMLTextAreaElement>('ids').value = `[${Array.from(ids).join(', ')}]`;
  tokensEl.dataset.engine = selected;
  tokensEl.dataset.count = String(ids.length);
  tokensEl.dataset.render = String(++renders);
}

function drawComparison(wasmMs: number, jsMs: number, bytes: number): void {
  const el = $('compare');
  if (!bytes) {
    el.textContent = '';
    return;
  }
  const ratio = jsMs / wasmMs;
  const max = Math.max(wasmMs, jsMs);
  el.innerHTML = '';
  for (const [name, ms] of [
    ['WebAssembly', wasmMs],
    ['Pure JS', jsMs],
  ] as const) {
    const row = document.createElement('span');
    row.className = 'bar-row';
    row.innerHTML = `<span class="bar-name">${name}</span><span class="bar"><i style="width:${Math.max(2, (100 * ms) / max)}%"></i></span><span class="bar-ms">${fmtMs(ms)}</span>`;
    el.append(row);
  }
  const verdict = document.createElement('span');
  verdict.className = 'verdict';
  verdict.textContent =
    ratio >= 1.05
      ? `WebAssembly is ${fmt(ratio, 1)}× faster on this text`
      : ratio <= 0.95
        ? `pure JS is ${fmt(1 / ratio, 1)}× faster on this text`
        : 'both engines take about as long on this text';
  el.append(verdict);
}

function drawTokens(ids: Uint32Array, pieces: (Uint8Array | string)[], total: number): void {
  const fragment = document.createDocumentFragment();
  ids.forEach((id, i) => {
    const piece = pieces[i]!;
    const chip = document.createElement('span');
    chip.className = `chip c${i % 6}`;
    chip.dataset.id = String(id);
    chip.dataset.index = String(i);
    if (typeof piece === 'string') {
      chip.classList.add('special');
      chip.textContent = piece;
    } else {
      const parts = pieceParts(piece);
      if (splitsCharacter(parts)) chip.classList.add('frag');
      for (const part of parts) {
        if (part.kind === 'text') chip.append(part.text);
        else {
          const span = document.createElement('span');
          span.className = part.kind === 'hex' ? 'hex' : 'sym';
          span.textContent = part.kind === 'hex' ? hex(part.bytes) : part.symbol;
          chip.append(span);
        }
      }
    }
    fragment.append(chip);
    if (typeof piece !== 'string' && piece[piece.length - 1] === 0x0a) fragment.append(document.createElement('br'));
  });
  tokensEl.replaceChildren(fragment);
  if (total === 0) tokensEl.innerHTML = `<p class="empty">${textArea.value ? '' : 'Type or paste some text, or pick a sample above.'}</p>`;
  $('tokens-note').textContent = total > ids.length ? `Showing the first ${fmt(ids.length)} of ${fmt(total)} tokens; the stats and ids cover all of them.` : '';
  piecesByIndex.clear();
  ids.forEach((id, i) => piecesByIndex.set(i, pieces[i]!));
}

function showError(e: Error): void {
  tokensEl.innerHTML = '';
  const p = document.createElement('p');
  p.className = 'error';
  p.textContent = e.message;
  tokensEl.append(p);
  tokensEl.dataset.render = String(++renders);
}

// ---------------------------------------------------------------- hover details

const piecesByIndex = new Map<number, Uint8Array | string>();
const spanView = $('span-view');
/** The text last tokenized and each token's span in it (encodeWithOffsets), unless sampling. */
let spans: { text: string; starts: Uint32Array; ends: Uint32Array } | undefined;

/** Shows token `index`'s span in the text, with some context, and selects it in the textarea. */
function showSpan(index: number): void {
  if (!spans || index >= spans.starts.length) return;
  const { text } = spans;
  const start = spans.starts[index]!;
  const end = spans.ends[index]!;
  const from = Math.max(0, start - 40);
  const to = Math.min(text.length, end + 40);
  const mark = document.createElement('mark');
  mark.textContent = text.slice(start, end);
  spanView.replaceChildren(from > 0 ? '…' : '', text.slice(from, start), mark, text.slice(end, to), to < text.length ? '…' : '');
  spanView.dataset.start = String(start);
  spanView.dataset.end = String(end);
  spanView.hidden = false;
  // The textarea holds the same text unless line breaks are sent as CRLF or a file is used exactly.
  if (text === textArea.value) textArea.setSelectionRange(start, end);
}

tokensEl.addEventListener('mouseover', (event) => {
  const chip = (event.target as HTMLElement).closest<HTMLElement>('.chip');
  if (!chip) {
    tip.hidden = true;
    return;
  }
  const piece = piecesByIndex.get(Number(chip.dataset.index));
  if (piece === undefined) return;
  showSpan(Number(chip.dataset.index));
  const parts = typeof piece === 'string' ? [] : pieceParts(piece);
  tip.innerHTML = '';
  const line = (label: string, value: string, cls = '') => {
    const row = document.createElement('div');
    row.innerHTML = `<span class="k">${label}</span><span class="v ${cls}"></span>`;
    row.querySelector('.v')!.textContent = value;
    tip.append(row);
  };
  line('id', chip.dataset.id!);
  if (typeof piece === 'string') line('special', piece);
  else {
    line('bytes', `${hex(piece)}  (${piece.length})`, 'mono');
    const text = new TextDecoder().decode(piece);
    if (!splitsCharacter(parts)) line('text', JSON.stringify(text), 'mono');
    else line('note', 'cuts a UTF-8 character: shown as hex', '');
  }
  const rect = chip.getBoundingClientRect();
  tip.hidden = false;
  const left = Math.min(window.innerWidth - tip.offsetWidth - 8, Math.max(8, rect.left));
  tip.style.left = `${left}px`;
  tip.style.top = `${rect.bottom + 6}px`;
});
tokensEl.addEventListener('mouseleave', () => (tip.hidden = true));

$('copy-ids').addEventListener('click', () => void navigator.clipboard?.writeText($<HTMLTextAreaElement>('ids').value));

// ---------------------------------------------------------------- start

tokensEl.innerHTML = '<p class="empty">Loading the model: the tokens of your text appear here as you type.</p>';
setText(SAMPLES[0]!.text, false);
const params = new URLSearchParams(location.search);
const modelParam = params.get('model');
if (modelParam) {
  $<HTMLInputElement>('model-url').value = modelParam;
  void loadModel(modelParam, modelParam.split('/').pop() || modelParam);
} else {
  void loadDefaultModel();
}
setupTrainPanel({ pageText: effectiveText, useModel: (binary, label) => loadModel(binary, label) });
workers.wasm.ready.catch((e: Error) => setModelStatus('error', `The WebAssembly engine could not start: ${e.message}`));

// Offline: a service worker keeps a copy of the page and its files (built pages only).
declare const __SERVICE_WORKER__: boolean;
if (__SERVICE_WORKER__ && 'serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker
    .register(new URL('./sw.js', document.baseURI))
    .then(() => navigator.serviceWorker.ready)
    .then(() => ($('offline').hidden = false))
    .catch((e: unknown) => console.warn('offline support unavailable:', e));
}
