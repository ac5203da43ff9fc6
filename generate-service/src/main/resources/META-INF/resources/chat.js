// The chat page's code (served as a file: the page's Content-Security-Policy allows no inline script).
'use strict';
// No markup from the server or the documents ever goes in as HTML: every text is set with textContent.

const MODEL = 'rag-extractive';
// The server takes at most 64 messages; older turns matter little to a follow-up question.
const HISTORY_LIMIT = 31;

const log = document.getElementById('log');
const empty = document.getElementById('empty');
const form = document.getElementById('ask');
const box = document.getElementById('question');
const send = document.getElementById('send');
const choices = document.getElementById('source-choices');
const sourceHint = document.getElementById('source-hint');

const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('api-key');
const keyHint = document.getElementById('key-hint');
const KEY_STORE = 'rag-api-key';

let messages = [];        // the conversation as the API takes it: {role, content}
let inFlight = null;      // the AbortController of the answer being streamed
let turnCount = 0;        // ids for each answer's passage panel

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- API key -------------------------------------------------------------------------------------

// The key goes with every API call once given; a 401 asks for it (again). It is kept for this tab
// only (sessionStorage): it goes when the tab closes and no other tab or page of the origin sees it.
function withKey(headers) {
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) headers['Authorization'] = 'Bearer ' + key;
  return headers;
}

// A link may carry the key in its fragment (#key=..., as ./rag up prints it): never sent to the
// server, taken into this tab's storage, then dropped from the address and the history.
(function keyFromLink() {
  const m = /^#key=([^&]+)(?:&view=(\w+))?$/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY_STORE, decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search + (m[2] ? `#${m[2]}` : ''));
})();

function askForKey() {
  const had = sessionStorage.getItem(KEY_STORE);
  keyHint.textContent = had ? 'The saved API key was refused; enter a valid one.'
                            : 'This server needs an API key.';
  keyForm.hidden = false;
  keyInput.focus();
}

keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  if (!key) return;
  sessionStorage.setItem(KEY_STORE, key);
  keyInput.value = '';
  keyForm.hidden = true;
  loadSources();
});

// ---- Sources to search --------------------------------------------------------------------------

async function loadSources() {
  try {
    const response = await fetch('/v1/sources', { headers: withKey({ 'Accept': 'application/json' }) });
    if (response.status === 401) {
      askForKey();
      choices.replaceChildren(el('span', 'hint', 'Sources appear once the API key is accepted.'));
      return;
    }
    if (!response.ok) throw new Error(await errorMessage(response));
    const body = await response.json();
    const sources = Array.isArray(body.data) ? body.data : [];
    choices.replaceChildren();
    if (!sources.length) {
      choices.append(el('span', 'hint', 'No documents are indexed yet.'));
      return;
    }
    for (const s of sources) {
      const label = el('label', 'chip');
      const input = el('input');
      input.type = 'checkbox';
      input.value = s.name;
      input.checked = true;
      input.addEventListener('change', describeChoice);
      const docs = s.documents === 1 ? '1 document' : `${s.documents} documents`;
      label.append(input, el('span', 'name', s.name), el('span', 'count', docs));
      choices.append(label);
    }
    describeChoice();
  } catch (e) {
    choices.replaceChildren();
    sourceHint.className = 'hint error';
    sourceHint.textContent = `Could not load the list of sources (${e.message}). Questions search all of them.`;
  }
}

function sourceBoxes() {
  return [...choices.querySelectorAll('input[type=checkbox]')];
}

// The sources a request names: none when all or none are chosen, which both mean "search everything".
function chosenSources() {
  const boxes = sourceBoxes();
  const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
  return chosen.length === 0 || chosen.length === boxes.length ? [] : chosen;
}

function describeChoice() {
  const boxes = sourceBoxes();
  const chosen = boxes.filter((b) => b.checked).length;
  sourceHint.className = 'hint';
  sourceHint.textContent = chosen === boxes.length ? 'Searching every source.'
    : chosen === 0 ? 'None chosen: searching every source.'
    : `Searching ${chosen} of ${boxes.length} sources.`;
}

// ---- The chat API -------------------------------------------------------------------------------

async function errorMessage(response) {
  const body = await response.json().catch(() => null);
  if (body && body.error && body.error.message) return body.error.message;
  return `${response.status} ${response.statusText || 'error'}`.trim();
}

// Reads the server-sent events of a streamed completion: text pieces as they come, then the sources.
async function streamChat(request, signal, onDelta, onSources) {
  let response;
  try {
    response = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: withKey({ 'Content-Type': 'application/json', 'Accept': 'text/event-stream' }),
      body: JSON.stringify(request),
      signal
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new Error('the server could not be reached');
  }
  if (response.status === 401) {
    askForKey();
    throw new Error('an API key is needed: enter it above, then ask again');
  }
  if (!response.ok) throw new Error(await errorMessage(response));
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const handle = (event) => {
    for (const line of event.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') return true;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new Error(chunk.error.message || 'the answer failed');
      const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
      if (delta && delta.content) onDelta(delta.content);
      if (Array.isArray(chunk.sources)) {
        onSources(chunk.sources, chunk.abstained === true, chunk.unsupported_claims || []);
      }
    }
    return false;
  };
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (handle(event)) { reader.cancel().catch(() => {}); return; }
    }
    if (done) { handle(buffer); return; }
  }
}

// ---- Rendering ----------------------------------------------------------------------------------

function pagesOf(s) {
  if (!s.page_start) return '';
  return !s.page_end || s.page_end === s.page_start ? `p. ${s.page_start}` : `pp. ${s.page_start}–${s.page_end}`;
}

// The answer's text with each [n] that names a source as a button that opens its passage.
function renderCitations(answerEl, text, byNumber, open) {
  answerEl.replaceChildren();
  let last = 0;
  for (const match of text.matchAll(/\[(\d+)\]/g)) {
    const source = byNumber.get(Number(match[1]));
    if (!source) continue;
    answerEl.append(document.createTextNode(text.slice(last, match.index)));
    const button = el('button', 'cite');
    button.type = 'button';
    button.dataset.number = String(source.number);
    button.setAttribute('aria-label', `Source ${source.number}`);
    button.setAttribute('aria-expanded', 'false');
    button.title = source.title || source.document_id || '';
    // Brackets hidden on screen but kept when the answer is copied.
    button.append(el('span', 'visually-hidden', '['), document.createTextNode(String(source.number)),
      el('span', 'visually-hidden', ']'));
    button.addEventListener('click', () => open(source));
    answerEl.append(button);
    last = match.index + match[0].length;
  }
  answerEl.append(document.createTextNode(text.slice(last)));
}

function passageView(panel, s, onClose) {
  panel.replaceChildren();
  const head = el('div', 'passage-head');
  const title = el('h3');
  title.append(el('span', 'num', `[${s.number}]`), document.createTextNode(s.title || s.document_id || 'Untitled'));
  const close = el('button', 'close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close source');
  close.addEventListener('click', onClose);
  head.append(title, close);
  const meta = el('dl', 'meta');
  const field = (name, value) => {
    if (!value) return;
    const row = el('div');
    row.append(el('dt', '', name), el('dd', '', value));
    meta.append(row);
  };
  field('Source', s.source);
  field('Document', s.document_id);
  field('Section', s.section);
  field('Pages', pagesOf(s));
  panel.append(head, meta, el('blockquote', 'passage-text', s.text || ''));
}

function sourceList(sources, open) {
  const details = el('details', 'sources');
  const cited = sources.filter((s) => s.cited).length;
  details.append(el('summary', '', cited === 0
    ? `Closest passages: ${sources.length}, none cited`
    : `Sources: ${sources.length} ${sources.length === 1 ? 'passage' : 'passages'} found, ${cited} cited`));
  const list = el('ol');
  for (const s of sources) {
    const item = el('li');
    const button = el('button', s.cited ? 'source-button' : 'source-button uncited');
    button.type = 'button';
    const where = [`${s.source}/${s.document_id}`, s.section, pagesOf(s), s.cited ? '' : 'not cited']
      .filter(Boolean).join(' · ');
    const label = el('span');
    label.append(el('span', '', s.title || s.document_id), el('br'), el('span', 'where', where));
    button.append(el('span', 'num', `[${s.number}]`), label);
    button.addEventListener('click', () => open(s));
    item.append(button);
    list.append(item);
  }
  details.append(list);
  return details;
}

function nearBottom() {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 120;
}

function scrollToEnd() {
  window.scrollTo({ top: document.documentElement.scrollHeight });
}

function addUserTurn(question) {
  empty.hidden = true;
  const turn = el('div', 'turn user', question);
  turn.setAttribute('aria-label', 'You asked');
  log.append(turn);
}

function addAssistantTurn() {
  const id = ++turnCount;
  const turn = el('article', 'turn assistant');
  turn.setAttribute('aria-labelledby', `who-${id}`);
  const who = el('div', 'who', 'Answer');
  who.id = `who-${id}`;
  const answer = el('div', 'answer pending', 'Searching your documents');
  answer.setAttribute('aria-live', 'polite');
  answer.setAttribute('aria-busy', 'true');
  const panel = el('section', 'passage');
  panel.id = `passage-${id}`;
  panel.hidden = true;
  panel.setAttribute('aria-label', 'Cited passage');
  turn.append(who, answer, panel);
  log.append(turn);
  return { turn, answer, panel };
}

// ---- Asking ---------------------------------------------------------------------------------------

async function ask(question) {
  addUserTurn(question);
  messages.push({ role: 'user', content: question });
  const { turn, answer, panel } = addAssistantTurn();
  scrollToEnd();

  let start = Math.max(0, messages.length - HISTORY_LIMIT);
  while (start < messages.length && messages[start].role !== 'user') start++;
  const request = { model: MODEL, messages: messages.slice(start), stream: true };
  const sources = chosenSources();
  if (sources.length) request.sources = sources;

  const controller = new AbortController();
  inFlight = controller;
  send.disabled = true;
  let text = '';
  let received = null;
  let abstained = false;
  let unsupported = [];
  try {
    await streamChat(request, controller.signal,
      (piece) => {
        const follow = nearBottom();
        if (!text) answer.classList.remove('pending');
        text += piece;
        answer.textContent = text;
        if (follow) scrollToEnd();
      },
      (list, none, claims) => { received = list; abstained = none; unsupported = claims; });
    const follow = nearBottom();
    if (!text) answer.classList.remove('pending');
    answer.textContent = text;
    messages.push({ role: 'assistant', content: text });
    if (received && received.length) {
      const byNumber = new Map(received.map((s) => [s.number, s]));
      let openNumber = 0;
      const close = () => {
        openNumber = 0;
        panel.hidden = true;
        turn.querySelectorAll('.cite').forEach((b) => b.setAttribute('aria-expanded', 'false'));
      };
      const open = (s) => {
        if (openNumber === s.number && !panel.hidden) { close(); return; }
        openNumber = s.number;
        passageView(panel, s, close);
        panel.hidden = false;
        turn.querySelectorAll('.cite').forEach((b) =>
          b.setAttribute('aria-expanded', String(Number(b.dataset.number) === s.number)));
        panel.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      };
      renderCitations(answer, text, byNumber, open);
      turn.querySelectorAll('.cite').forEach((b) => b.setAttribute('aria-controls', panel.id));
      const list = sourceList(received, open);
      if (abstained) {
        // Said as such, not dressed as an answer: the passages are the closest found, none cited.
        turn.classList.add('abstained');
        const note = el('p', 'abstained-note', 'Not answered from your documents');
        turn.insertBefore(note, answer);
        list.open = true;
      }
      if (unsupported.length) {
        // A model's sentence that the source it cites does not bear out is shown as such.
        const warn = el('details', 'unsupported');
        const n = unsupported.length;
        warn.append(el('summary', '', n + (n === 1 ? ' sentence is' : ' sentences are')
          + ' not supported by the sources they cite'));
        const ul = el('ul');
        for (const c of unsupported) {
          ul.append(el('li', '', c.sentence + ' (' + c.reason
            + (c.supported_by ? '; source ' + c.supported_by + ' supports it' : '') + ')'));
        }
        warn.append(ul);
        turn.append(warn);
      }
      turn.append(list);
    }
    if (follow) scrollToEnd();
  } catch (e) {
    if (controller.signal.aborted) return;
    // The failed question leaves the history, so the next request stays a well-formed conversation.
    messages.pop();
    answer.classList.remove('pending');
    answer.replaceChildren();
    const alert = el('div', 'error-box');
    alert.setAttribute('role', 'alert');
    alert.append(el('strong', '', 'No answer'), document.createTextNode(e.message));
    answer.append(alert);
    // The question goes back in the box, ready to send again.
    if (!box.value) { box.value = question; fitBox(); }
    scrollToEnd();
  } finally {
    answer.setAttribute('aria-busy', 'false');
    if (inFlight === controller) {
      inFlight = null;
      send.disabled = false;
    }
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const question = box.value.trim();
  if (!question || inFlight) return;
  box.value = '';
  fitBox();
  ask(question);
});

// Enter sends, Shift+Enter starts a new line (and Enter while composing text with an IME is left alone).
box.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

function fitBox() {
  box.style.height = 'auto';
  box.style.height = `${Math.min(box.scrollHeight + 2, 192)}px`;
}
box.addEventListener('input', fitBox);

document.getElementById('new-chat').addEventListener('click', () => {
  if (inFlight) inFlight.abort();
  inFlight = null;
  send.disabled = false;
  messages = [];
  log.replaceChildren(empty);
  empty.hidden = false;
  box.value = '';
  fitBox();
  box.focus();
});

loadSources();
