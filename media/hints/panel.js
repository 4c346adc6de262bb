// Hint panel script: renders the hint the extension posts (text, failing test, level) with DOM APIs only
// (no innerHTML, so hint text can never inject markup) and posts the student's clicks back:
// "more help", "helpful", "not helpful".
/* global acquireVsCodeApi, document, window */
'use strict';
(function () {
  const vscode = acquireVsCodeApi();
  const el = (id) => document.getElementById(id);
  const levelNames = { 1: 'nudge', 2: 'location', 3: 'concept' };

  /** Text with `code` spans as <code> elements, built node by node. */
  function renderText(parent, text) {
    parent.textContent = '';
    text.split(/(`[^`]+`)/).forEach((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) {
        const c = document.createElement('code');
        c.textContent = part.slice(1, -1);
        parent.appendChild(c);
      } else parent.appendChild(document.createTextNode(part));
    });
  }

  function row(label, value) {
    const p = document.createElement('div');
    const b = document.createElement('strong');
    b.textContent = label + ': ';
    const c = document.createElement('code');
    c.textContent = value;
    p.append(b, c);
    return p;
  }

  function show(state) {
    const { hint, message, busy } = state;
    el('busy').hidden = !busy;
    el('content').hidden = !hint;
    el('message').textContent = message || '';
    el('thanks').textContent = '';
    if (!hint) return;
    el('level').textContent = `Level ${hint.level} of ${hint.maxLevel} (${levelNames[hint.level]})` + (hint.source === 'fallback' ? ' · from the failing test only, no verified fix' : '');
    renderText(el('hint'), hint.text);
    const test = el('test');
    test.textContent = '';
    if (hint.test) {
      test.appendChild(row('Failing test', hint.test.id));
      if (hint.test.input) test.appendChild(row('Input', hint.test.input));
      if (hint.test.expected !== undefined) test.appendChild(row('Expected', hint.test.expected));
      if (hint.test.actual !== undefined) test.appendChild(row('Actual', hint.test.actual));
    }
    test.hidden = !hint.test;
    el('more').disabled = busy || hint.level >= hint.maxLevel;
    el('more').textContent = hint.level >= hint.maxLevel ? 'No more help available' : 'More help';
    el('helpful').disabled = el('unhelpful').disabled = false;
  }

  function feedback(action) {
    vscode.postMessage({ type: action });
    el('helpful').disabled = el('unhelpful').disabled = true;
    el('thanks').textContent = 'Thanks for the feedback.';
  }

  el('more').addEventListener('click', () => vscode.postMessage({ type: 'moreHelp' }));
  el('helpful').addEventListener('click', () => feedback('helpful'));
  el('unhelpful').addEventListener('click', () => feedback('notHelpful'));
  window.addEventListener('message', (e) => show(e.data));
  vscode.postMessage({ type: 'ready' });
})();
