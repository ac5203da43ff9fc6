// The page's Documents view: uploads with their progress to "indexed", the list of the caller's
// documents, and deletes. It talks to ingest-service's HTTP API (the same the command line uses),
// at this origin or at the URL /page/config names, with the key chat.js keeps (withKey, askForKey).
'use strict';

const STAGES = { uploading: 10, accepted: 40, chunked: 60, embedded: 80, indexed: 100 };
const DONE = new Set(['indexed', 'failed', 'deleted', 'unknown']);
const POLL_MS = 1000;
const PAGE_SIZE = 100;
// Formats read whole have their own, lower, size limit (the rest are read in pieces).
const READ_WHOLE = new Set(['text', 'markdown', 'html', 'paper-listing']);

const views = [...document.querySelectorAll('[data-view]')];
const toAsk = document.getElementById('to-ask');
const toDocuments = document.getElementById('to-documents');
const keyHintDocs = document.getElementById('docs-key-hint');
const drop = document.getElementById('drop');
const fileInput = document.getElementById('file-input');
const folderInput = document.getElementById('folder-input');
const limitsHint = document.getElementById('upload-limits');
const sourceInput = document.getElementById('upload-source');
const uploadList = document.getElementById('uploads');
const docsList = document.getElementById('docs-list');
const docsHint = document.getElementById('docs-hint');
const docsMore = document.getElementById('docs-more');
const docsSearch = document.getElementById('docs-search');
const docsSource = document.getElementById('docs-source');
const docsState = document.getElementById('docs-state');
const deleteDialog = document.getElementById('delete-dialog');
const deleteText = document.getElementById('delete-text');

let ingestBase = null;     // ingest-service's base URL ('' for this origin), once /page/config said
let limits = null;         // what an upload may be, from ingest-service
let listed = [];           // the documents listed so far (pages appended), in source/id order
let nextAfter = null;      // where the next page starts; null on the last
let queue = Promise.resolve();  // uploads go one after another

// ---- Views --------------------------------------------------------------------------------------

function showView() {
  const name = location.hash === '#documents' ? 'documents' : 'ask';
  for (const v of views) v.hidden = v.dataset.view !== name;
  for (const [link, view] of [[toAsk, 'ask'], [toDocuments, 'documents']]) {
    if (view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name === 'documents') openDocuments();
}
window.addEventListener('hashchange', showView);

// ---- Calls to ingest-service --------------------------------------------------------------------

async function base() {
  if (ingestBase !== null) return ingestBase;
  const response = await fetch('/page/config', { headers: { 'Accept': 'application/json' } });
  if (!response.ok) throw new Error(`the page's settings could not be read (${response.status})`);
  ingestBase = (await response.json()).ingest || '';
  return ingestBase;
}

// The message of an API error: problem+json's detail, or the status.
async function problemOf(response) {
  const body = await response.json().catch(() => null);
  if (body && body.detail) return body.detail;
  if (body && body.error && body.error.message) return body.error.message;
  return `${response.status} ${response.statusText || 'error'}`.trim();
}

class KeyProblem extends Error {}

// A call to ingest-service; 401 asks for a key, 403 says which role the key lacks.
async function ingestCall(path, options = {}) {
  const url = (await base()) + path;
  let response;
  try {
    response = await fetch(url, { ...options, headers: withKey({ 'Accept': 'application/json', ...(options.headers || {}) }) });
  } catch (e) {
    throw new Error(`ingest-service could not be reached at ${url.replace(/\?.*$/, '')}`);
  }
  if (response.status === 401) {
    askForKey();
    throw new KeyProblem('an API key is needed: enter it above');
  }
  if (response.status === 403) {
    throw new KeyProblem(`${await problemOf(response)} (adding, listing and deleting documents needs a key with the ingest role)`);
  }
  return response;
}

function keyProblem(e) {
  keyHintDocs.textContent = e.message;
  keyHintDocs.hidden = false;
}

function bytes(n) {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 1 : 0)} MiB`;
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} KiB`;
  return `${n} bytes`;
}

async function loadLimits() {
  if (limits) return limits;
  const response = await ingestCall('/v1/files/limits');
  if (!response.ok) throw new Error(await problemOf(response));
  limits = await response.json();
  const extensions = limits.formats.flatMap((f) => f.extensions.map((x) => '.' + x));
  limitsHint.textContent = `Accepted: ${extensions.join(', ')} and paper listings. `
    + `Up to ${bytes(limits.maxFileBytes)} a file (PDF, JSON Lines); ${bytes(limits.maxTextFileBytes)} for text, `
    + `Markdown and HTML; at most ${limits.maxPdfPages} PDF pages and ${limits.maxDocumentsPerFile} documents a file.`;
  fileInput.accept = extensions.join(',');
  return limits;
}

// ---- Uploads ------------------------------------------------------------------------------------

function formatOf(name) {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  const f = limits && limits.formats.find((x) => x.extensions.includes(ext));
  return f ? f.format : null;
}

// Why the file cannot be sent, before sending it; null when it may be.
function refusal(file) {
  if (!limits) return null;
  if (file.size === 0) return 'the file is empty';
  const format = formatOf(file.name);
  const limit = format && READ_WHOLE.has(format) ? limits.maxTextFileBytes : limits.maxFileBytes;
  if (file.size > limit) {
    return `the file is ${bytes(file.size)}, over the limit of ${bytes(limit)} for ${format || 'a file'}`
      + (format && READ_WHOLE.has(format) ? ' (ingest.limits.max-text-file-bytes)' : ' (ingest.limits.max-file-bytes)');
  }
  return null;
}

function uploadRow(file) {
  const item = el('li', 'upload');
  const head = el('div', 'upload-head');
  head.append(el('span', 'upload-name', file.webkitRelativePath || file.name), el('span', 'upload-size', bytes(file.size)));
  const bar = el('progress');
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute('aria-label', `Progress of ${file.name}`);
  const state = el('p', 'upload-state', 'Waiting');
  state.setAttribute('role', 'status');
  item.append(head, bar, state);
  uploadList.prepend(item);
  return {
    set(value, text, kind) {
      bar.value = value;
      state.textContent = text;
      item.dataset.state = kind || 'working';
    }
  };
}

function sendFile(file, source, onProgress) {
  return base().then((root) => new Promise((resolve, reject) => {
    const params = new URLSearchParams({ name: file.name, source });
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${root}/v1/files?${params}`);
    const headers = withKey({ 'Accept': 'application/json' });
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new Error(`ingest-service could not be reached at ${root || location.origin}`));
    xhr.send(file);
  }));
}

function problemText(xhr) {
  try {
    const body = JSON.parse(xhr.responseText);
    if (body.detail) return body.detail;
  } catch (e) { /* not JSON */ }
  return `${xhr.status} ${xhr.statusText || 'error'}`.trim();
}

async function upload(file) {
  const row = uploadRow(file);
  const source = sourceInput.value.trim() || 'uploads';
  try {
    await loadLimits();
  } catch (e) {
    if (e instanceof KeyProblem) keyProblem(e);
    row.set(0, `Not sent: ${e.message}`, 'failed');
    return;
  }
  const refused = refusal(file);
  if (refused) {
    row.set(0, `Not sent: ${refused}`, 'failed');
    return;
  }
  let xhr;
  for (let attempt = 0; ; attempt++) {
    row.set(1, 'Uploading');
    try {
      xhr = await sendFile(file, source, (share) => row.set(Math.max(1, share * STAGES.uploading), 'Uploading'));
    } catch (e) {
      row.set(0, `Failed: ${e.message}`, 'failed');
      return;
    }
    // Too many files parsed at once: the server says when to try again.
    if (xhr.status !== 429 || attempt >= 30) break;
    row.set(STAGES.uploading, 'Waiting for the server to take it');
    await new Promise((r) => setTimeout(r, 1000 * (Number(xhr.getResponseHeader('Retry-After')) || 1)));
  }
  if (xhr.status === 401) {
    askForKey();
    row.set(0, 'Failed: an API key is needed; enter it above and add the file again', 'failed');
    return;
  }
  if (xhr.status === 403) {
    row.set(0, `Refused: ${problemText(xhr)} (adding documents needs a key with the ingest role)`, 'failed');
    return;
  }
  if (xhr.status !== 202) {
    row.set(0, `Refused: ${problemText(xhr)}`, 'failed');
    return;
  }
  const receipt = JSON.parse(xhr.responseText);
  const documents = receipt.documents || [];
  const errors = receipt.errors || [];
  const skipped = errors.length ? ` · ${errors.length} part(s) not read: ${errors.map((e) => e.reason).join('; ')}` : '';
  if (!documents.length) {
    row.set(0, `Refused: ${errors.map((e) => e.reason).join('; ') || 'nothing to index in the file'}`, 'failed');
    return;
  }
  row.set(STAGES.accepted, `Accepted (${receipt.format})${skipped}`);
  follow(row, documents.map((d) => ({ source: d.source, id: d.id })), skipped);
}

// Follows the documents of one file until each is indexed or failed.
// The statuses of {source, id} documents, from the status query the CLI uses.
async function statusesOf(documents) {
  const response = await ingestCall('/v1/documents/status', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ documents })
  });
  if (!response.ok) throw new Error(await problemOf(response));
  return response.json();
}

async function follow(row, documents, skipped) {
  for (;;) {
    let statuses;
    try {
      statuses = await statusesOf(documents);
    } catch (e) {
      row.set(0, `Could not follow it: ${e.message}`, 'failed');
      return;
    }
    const failed = statuses.filter((s) => s.state === 'failed');
    const indexed = statuses.filter((s) => s.state === 'indexed').length;
    const share = statuses.reduce((sum, s) => sum + (STAGES[s.state] || (DONE.has(s.state) ? 100 : STAGES.accepted)), 0) / statuses.length;
    const finished = statuses.every((s) => DONE.has(s.state));
    if (finished) {
      if (failed.length) {
        row.set(100, `Failed: ${failed.map((s) => s.reason || 'no reason given').join('; ')}`
          + (indexed ? ` · ${indexed} of ${statuses.length} indexed` : '') + skipped, 'failed');
      } else {
        const chunks = statuses.reduce((sum, s) => sum + (s.chunks || 0), 0);
        row.set(100, (statuses.length === 1 ? `Indexed: ${chunks} passage${chunks === 1 ? '' : 's'}, searchable now`
          : `Indexed: ${statuses.length} documents, ${chunks} passages, searchable now`) + skipped, 'indexed');
      }
      refreshDocuments();
      if (typeof loadSources === 'function') loadSources();
      return;
    }
    const s = statuses.length === 1 ? statuses[0].state : `${indexed} of ${statuses.length} documents indexed`;
    row.set(Math.round(share), `${s[0].toUpperCase()}${s.slice(1)}${skipped}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function addFiles(files) {
  for (const file of files) queue = queue.then(() => upload(file));
}

fileInput.addEventListener('change', () => { addFiles([...fileInput.files]); fileInput.value = ''; });
folderInput.addEventListener('change', () => { addFiles([...folderInput.files]); folderInput.value = ''; });
if (!('webkitdirectory' in folderInput)) document.getElementById('folder-button').hidden = true;

// Dropped folders are walked (where the browser lets the page read them); files go as they are.
async function entryFiles(entry) {
  if (entry.isFile) return [await new Promise((ok, fail) => entry.file(ok, fail))];
  if (!entry.isDirectory) return [];
  const reader = entry.createReader();
  const files = [];
  for (;;) {
    const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
    if (!batch.length) return files;
    for (const child of batch) files.push(...await entryFiles(child));
  }
}

drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const items = [...(event.dataTransfer.items || [])];
  const entries = items.map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  if (entries.length) {
    for (const entry of entries) addFiles(await entryFiles(entry));
  } else {
    addFiles([...event.dataTransfer.files]);
  }
});

// ---- The list of documents ----------------------------------------------------------------------

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function documentItem(d) {
  const item = el('li', 'doc');
  item.dataset.state = d.state;
  item.dataset.id = d.id;
  item.dataset.source = d.source;
  const body = el('div', 'doc-body');
  const heading = el('h3', 'doc-title', d.title || d.id);
  heading.title = d.title || d.id;
  body.append(heading);
  const meta = el('p', 'doc-meta');
  const parts = [d.source, d.id !== d.title ? d.id : null, d.format, d.pages ? `${d.pages} pages` : null,
    d.chunks ? `${d.chunks} passage${d.chunks === 1 ? '' : 's'}` : null, when(d.updated)].filter(Boolean);
  meta.textContent = parts.join(' · ');
  const state = el('span', `state ${d.state}`, d.state);
  body.append(meta);
  if (d.reason) body.append(el('p', 'doc-reason', d.reason));
  const actions = el('div', 'doc-actions');
  actions.append(state);
  if (d.state === 'indexed') {
    const show = el('button', 'secondary', 'Passages');
    show.type = 'button';
    show.setAttribute('aria-expanded', 'false');
    show.setAttribute('aria-label', `Passages of ${d.title || d.id}`);
    show.addEventListener('click', () => togglePassages(item, d, show));
    actions.append(show);
  }
  if (d.state !== 'deleting') {
    const del = el('button', 'secondary', 'Delete');
    del.type = 'button';
    del.setAttribute('aria-label', `Delete ${d.title || d.id}`);
    del.addEventListener('click', () => confirmDelete(d, del));
    actions.append(del);
  }
  item.append(body, actions);
  return item;
}

// A document's passages, as the index holds them (through the chat service's API: query role).
async function togglePassages(item, d, button) {
  const open = item.querySelector('.doc-passages');
  if (open) {
    open.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  const panel = el('ol', 'doc-passages');
  panel.setAttribute('aria-label', `Passages of ${d.title || d.id}`);
  panel.append(el('li', 'hint', 'Loading…'));
  item.append(panel);
  button.setAttribute('aria-expanded', 'true');
  try {
    const response = await fetch(`/v1/sources/${encodeURIComponent(d.source)}/documents/${encodeURIComponent(d.id)}/passages`,
      { headers: withKey({ 'Accept': 'application/json' }) });
    if (response.status === 401) { askForKey(); throw new Error('an API key is needed'); }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.error && body.error.message) || `${response.status}`);
    panel.replaceChildren(...body.data.map((p) => {
      const li = el('li', 'doc-passage');
      const where = [p.section, p.page_start ? (p.page_end && p.page_end !== p.page_start ? `pp. ${p.page_start}–${p.page_end}` : `p. ${p.page_start}`) : null]
        .filter(Boolean).join(' · ');
      if (where) li.append(el('p', 'doc-passage-where', where));
      li.append(el('p', 'doc-passage-text', p.text));
      return li;
    }));
  } catch (e) {
    panel.replaceChildren(el('li', 'hint error', `The passages could not be read: ${e.message}`));
  }
}

function renderDocuments() {
  const q = docsSearch.value.trim().toLowerCase();
  const shown = listed.filter((d) => !q || (d.title || '').toLowerCase().includes(q) || d.id.toLowerCase().includes(q));
  docsList.replaceChildren(...shown.map(documentItem));
  docsMore.hidden = nextAfter === null;
  const of = nextAfter === null ? '' : ' (more below)';
  docsHint.className = 'hint';
  docsHint.textContent = !listed.length ? 'No documents yet: add some above.'
    : q ? `${shown.length} of ${listed.length} listed match${of}.`
    : `${listed.length} document${listed.length === 1 ? '' : 's'}${of}.`;
  const sources = [...new Set(listed.map((d) => d.source))].sort();
  const chosen = docsSource.value;
  for (const s of sources) {
    if (![...docsSource.options].some((o) => o.value === s)) docsSource.append(new Option(s, s));
  }
  docsSource.value = chosen;
}

async function loadPage(after) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (docsSource.value) params.set('source', docsSource.value);
  if (docsState.value) params.set('state', docsState.value);
  if (after) params.set('after', after);
  const response = await ingestCall(`/v1/documents?${params}`);
  if (response.status === 503) {
    await new Promise((r) => setTimeout(r, 1000));
    return loadPage(after);
  }
  if (!response.ok) throw new Error(await problemOf(response));
  return response.json();
}

let refreshing = null;
async function refreshDocuments() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      const page = await loadPage(null);
      listed = page.documents;
      nextAfter = page.next;
      keyHintDocs.hidden = true;
      renderDocuments();
    } catch (e) {
      if (e instanceof KeyProblem) keyProblem(e);
      docsHint.className = 'hint error';
      docsHint.textContent = `Could not list the documents: ${e.message}`;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

docsMore.addEventListener('click', async () => {
  try {
    const page = await loadPage(nextAfter);
    listed = listed.concat(page.documents);
    nextAfter = page.next;
    renderDocuments();
  } catch (e) {
    docsHint.className = 'hint error';
    docsHint.textContent = `Could not list more: ${e.message}`;
  }
});
document.getElementById('docs-refresh').addEventListener('click', refreshDocuments);
document.getElementById('docs-filter').addEventListener('submit', (e) => e.preventDefault());
docsSearch.addEventListener('input', renderDocuments);
docsSource.addEventListener('change', refreshDocuments);
docsState.addEventListener('change', refreshDocuments);

// ---- Deleting -----------------------------------------------------------------------------------

function confirmDelete(d, button) {
  deleteText.textContent = `"${d.title || d.id}" (source ${d.source}) and every passage of it leave the index; `
    + 'answers stop citing it. The file itself is not kept here: add it again to bring it back.';
  deleteDialog.returnValue = '';
  deleteDialog.onclose = () => {
    if (deleteDialog.returnValue === 'delete') remove(d);
    else button.focus();
  };
  deleteDialog.showModal();
}

async function remove(d) {
  const item = [...docsList.children].find((i) => i.dataset.id === d.id && i.dataset.source === d.source);
  try {
    const response = await ingestCall(`/v1/documents/${encodeURIComponent(d.id)}?${new URLSearchParams({ source: d.source })}`, { method: 'DELETE' });
    if (response.status !== 202) throw new Error(await problemOf(response));
  } catch (e) {
    if (e instanceof KeyProblem) keyProblem(e);
    docsHint.className = 'hint error';
    docsHint.textContent = `Could not delete "${d.title || d.id}": ${e.message}`;
    return;
  }
  d.state = 'deleting';
  if (item) item.replaceWith(documentItem(d));
  docsHint.className = 'hint';
  docsHint.textContent = `Deleting "${d.title || d.id}"…`;
  // Gone from the list once every passage is gone from the index (followed for two minutes at most:
  // a stalled pipeline leaves it listed as deleting, as the service says).
  for (let tries = 0; ; tries++) {
    if (tries >= 120) {
      docsHint.textContent = `"${d.title || d.id}" is still being deleted; Refresh shows its state.`;
      return;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    const [s] = await statusesOf([{ source: d.source, id: d.id }]).catch(() => [null]);
    if (!s) continue;
    if (s.state === 'deleted' || s.state === 'unknown') break;
    if (s.state !== 'deleting') break;   // added again meanwhile
  }
  listed = listed.filter((x) => !(x.id === d.id && x.source === d.source));
  renderDocuments();
  docsHint.textContent = `Deleted "${d.title || d.id}".`;
  if (typeof loadSources === 'function') loadSources();
}

// ---- Reports of ./rag eval and ./rag bench --------------------------------------------------------

async function loadReports() {
  const hint = document.getElementById('reports-hint');
  const list = document.getElementById('reports-list');
  try {
    const response = await fetch('/page/reports', { headers: { 'Accept': 'application/json' } });
    if (!response.ok) throw new Error(`${response.status}`);
    const reports = (await response.json()).reports || [];
    list.replaceChildren(...reports.map((r) => {
      const item = el('li', 'report');
      const link = el('a', '', r.name);
      link.href = `/page/reports/${r.path}`;
      link.target = '_blank';
      link.rel = 'noopener';
      item.append(link, el('span', 'hint', ` · ${r.group} · ${when(r.written)}`));
      return item;
    }));
    hint.textContent = reports.length ? 'Charts of the evaluations and benchmarks run on this installation; each opens in a new tab.'
      : 'None yet: ./rag eval DIR and ./rag bench … write them, with their charts, for this page to list.';
  } catch (e) {
    hint.textContent = `The reports could not be listed (${e.message}).`;
  }
}

// ---- Start --------------------------------------------------------------------------------------

function openDocuments() {
  loadLimits().catch((e) => {
    if (e instanceof KeyProblem) keyProblem(e);
    limitsHint.textContent = `The upload limits could not be read: ${e.message}`;
  });
  refreshDocuments();
  loadReports();
}

document.getElementById('key-form').addEventListener('submit', () => {
  keyHintDocs.hidden = true;
  if (location.hash === '#documents') openDocuments();
});

showView();
