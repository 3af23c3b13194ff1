// "Train on your text": a vocabulary trained in a Web Worker (trainInWorker) from a file or the
// page's text, with progress, the longest pieces shown, the model usable at once on the page and
// downloadable as the reference's .model and as this package's binary format.
import { trainInWorker, type TrainedFiles, type TrainProgress } from 'bytepiece-wasm/trainer-worker';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const fmt = (n: number) => n.toLocaleString('en-US');

/** Where each stage sits on the one progress bar (the two corpus passes take most of the time). */
const STAGES: Record<TrainProgress['stage'], { from: number; to: number; label: string }> = {
  'count-ngrams': { from: 0, to: 0.35, label: 'counting byte n-grams' },
  'prune-ngrams': { from: 0.35, to: 0.4, label: 'pruning n-grams' },
  'count-pieces': { from: 0.4, to: 0.85, label: 'counting pieces' },
  'prune-pieces': { from: 0.85, to: 1, label: 'pruning pieces' },
  done: { from: 1, to: 1, label: 'done' },
};

/** Pieces shown: the longest ones say most about a vocabulary. */
const SHOWN_PIECES = 200;

export interface TrainPanelHooks {
  /** The text in the page's text box (trained on when no file is chosen). */
  pageText(): string;
  /** Loads a trained model into the page's tokenizers. */
  useModel(binary: Blob, label: string): Promise<void>;
}

export function setupTrainPanel(hooks: TrainPanelHooks): void {
  const fileInput = $<HTMLInputElement>('train-file');
  const format = $<HTMLSelectElement>('train-format');
  const start = $<HTMLButtonElement>('train-start');
  const stop = $<HTMLButtonElement>('train-stop');
  const bar = $<HTMLProgressElement>('train-bar');
  const status = $('train-status');
  let file: File | undefined;
  let controller: AbortController | undefined;
  let result: { files: TrainedFiles; label: string } | undefined;
  const urls: string[] = [];

  const setStatus = (state: 'idle' | 'running' | 'done' | 'error', text: string) => {
    status.dataset.state = state;
    status.textContent = text;
  };

  const choose = (chosen: File) => {
    file = chosen;
    $('train-file-name').textContent = chosen.name;
    format.value = /\.jsonl$/i.test(chosen.name) ? 'jsonl' : 'lines';
  };
  fileInput.addEventListener('change', () => {
    if (fileInput.files?.[0]) choose(fileInput.files[0]);
  });
  const card = $('train-card');
  card.addEventListener('dragover', (e) => e.preventDefault());
  card.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation(); // the page's own drop handler would open it as the text to tokenize
    document.getElementById('drag-overlay')!.hidden = true;
    const dropped = e.dataTransfer?.files[0];
    if (dropped) choose(dropped);
  });

  const onProgress = (p: TrainProgress) => {
    const stage = STAGES[p.stage];
    const within = p.total ? Math.min(1, p.done / p.total) : 0.5;
    bar.value = stage.from + (stage.to - stage.from) * within;
    const detail =
      p.stage === 'prune-pieces'
        ? `round ${fmt(p.done)}`
        : p.total
          ? `${fmt(Math.round((100 * p.done) / p.total))}%`
          : p.stage.startsWith('count')
            ? `${fmt(Math.round(p.done / 1024))} KiB`
            : '';
    $('train-stage').textContent = `${stage.label}${detail ? ` · ${detail}` : ''}`;
  };

  start.addEventListener('click', async () => {
    const size = Number($<HTMLSelectElement>('train-size').value);
    const minCount = Number($<HTMLInputElement>('train-min-count').value);
    const text = hooks.pageText();
    const corpus = file ?? new File([text], 'the text above');
    const label = `${file ? file.name.replace(/\.[^.]*$/, '') : 'my-text'}.${size}`;
    controller = new AbortController();
    start.disabled = true;
    stop.hidden = false;
    $('train-progress').hidden = false;
    $('train-result').hidden = true;
    bar.value = 0;
    setStatus('running', `Training a ${fmt(size)}-id vocabulary on ${file ? file.name : 'the text above'} (${fmt(corpus.size)} bytes)…`);
    const started = performance.now();
    try {
      const [files] = await trainInWorker(corpus, {
        maxVocabSize: size,
        minCount,
        format: format.value as 'lines' | 'text' | 'jsonl',
        onProgress,
        signal: controller.signal,
      });
      result = { files: files!, label };
      const seconds = (performance.now() - started) / 1000;
      const kept = files!.vocabSize < size ? ` (the text has only enough for ${fmt(files!.vocabSize)} ids)` : '';
      setStatus('done', `Trained ${fmt(files!.vocabSize)} ids in ${seconds.toFixed(1)} s${kept}.`);
      showResult(files!, label);
    } catch (e) {
      setStatus('error', controller.signal.aborted ? 'Training stopped.' : (e as Error).message);
    } finally {
      start.disabled = false;
      stop.hidden = true;
      $('train-progress').hidden = true;
    }
  });
  stop.addEventListener('click', () => controller?.abort(new Error('stopped')));

  const showResult = (files: TrainedFiles, label: string) => {
    // The .model file: base64 piece → [id, text, count], in id order.
    const entries = Object.values(JSON.parse(files.model) as Record<string, [number, string, number]>);
    const longest = entries
      .filter(([, t]) => t.length > 0)
      .sort((a, b) => b[1].length - a[1].length || b[2] - a[2])
      .slice(0, SHOWN_PIECES);
    const chips = longest.map(([id, piece, count], i) => {
      const chip = document.createElement('span');
      chip.className = `chip c${i % 6}`;
      chip.dataset.id = String(id);
      chip.title = `id ${id} · count ${fmt(count)}`;
      // Line breaks, spaces and other control characters drawn visibly (C0 controls as their U+24xx pictures).
      chip.textContent = piece
        .replace(/\n/g, '⏎')
        .replace(/ /g, '·')
        .replace(/[\u0000-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)));
      return chip;
    });
    $('train-pieces').replaceChildren(...chips);
    $('train-summary').textContent = `${fmt(files.vocabSize)} ids (${fmt(files.vocabSize - 3)} pieces); the ${fmt(longest.length)} longest:`;
    for (const url of urls.splice(0)) URL.revokeObjectURL(url);
    const link = (id: string, blob: Blob, name: string) => {
      const a = $<HTMLAnchorElement>(id);
      a.href = URL.createObjectURL(blob);
      a.download = name;
      urls.push(a.href);
    };
    link('train-download-model', new Blob([files.model], { type: 'application/json' }), `${label}.model`);
    link('train-download-bin', new Blob([files.binary as BlobPart], { type: 'application/octet-stream' }), `${label}.bin`);
    $('train-result').hidden = false;
  };

  $('train-use').addEventListener('click', () => {
    if (result) void hooks.useModel(new Blob([result.files.binary as BlobPart]), `${result.label} (trained here)`);
  });
}
