// Loopwise collector dashboard: fetches the team's aggregates from /dashboard/data and draws them with
// chart.js (loaded before this file as the UMD global `Chart`). Acceptance rate = accepted / decided. The keep
// tile: the share of would-be-accepted completions the gate showed, estimated from exploration, with its interval.
/* global Chart, document, fetch, window */
'use strict';

const COLORS = { completion: '#2f6fde', fix: '#27ae60', hint: '#e67e22', accepted: '#27ae60', rejected: '#c0392b', shown: '#7f8c8d', skipped: '#8e44ad', suppressed: '#e67e22', requested: '#95a5a6', undecided: '#bdc3c7' };
const pct = (a, r) => (a + r > 0 ? Math.round((1000 * a) / (a + r)) / 10 : null);
const unique = (xs) => [...new Set(xs)].sort();

function chart(id, config) {
  const base = { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } };
  return new Chart(document.getElementById(id), { ...config, options: { ...base, ...config.options } });
}

function tiles(d) {
  const gateSum = (k) => d.gate.overTime.reduce((s, r) => s + r[k], 0);
  const rate = pct(d.totals.accepted, d.totals.rejected);
  const k = d.gate.keep;
  const p1 = (x) => Math.round(x * 1000) / 10 + ' %';
  const keep = k.keep === null ? ['–', `not estimated yet: no explored decision (would-be-hidden suggestion shown anyway) has an outcome`]
    : [p1(k.keep), `90% interval ${p1(k.low)} to ${p1(k.high)}, from ${k.explored} explored decisions (${k.exploredAccepted} accepted) and ${k.keptAccepted} accepted suggestions the gate showed`];
  const items = [
    ['Events', d.totals.events], ['Users', d.totals.users], ['Suggestions shown', d.totals.shown],
    ['Acceptance rate', rate === null ? '–' : rate + ' %'], ['Requests skipped', gateSum('skipped')], ['Suggestions hidden', gateSum('suppressed')],
    ['Accepted suggestions kept by the gate (estimated)', keep[0], keep[1]],
  ];
  const root = document.getElementById('tiles');
  for (const [label, value, detail] of items) {
    const div = document.createElement('div');
    div.className = 'tile';
    if (detail) { div.id = 'tile-keep'; div.title = detail; }
    const b = document.createElement('b');
    b.textContent = String(value);
    const span = document.createElement('span');
    span.textContent = label;
    div.append(b, span);
    if (detail) { const small = document.createElement('small'); small.textContent = detail; div.append(small); }
    root.append(div);
  }
}

function draw(d) {
  const days = unique(d.overTime.map((r) => r.day));
  const byDayKind = new Map(d.overTime.map((r) => [r.day + '|' + r.kind, r]));
  const kinds = unique(d.overTime.map((r) => r.kind));
  const series = (kind, f) => days.map((day) => { const r = byDayKind.get(day + '|' + kind); return r ? f(r) : null; });
  const pctAxis = { y: { min: 0, max: 100, title: { display: true, text: '%' } } };

  chart('chart-over-time', { type: 'line', data: { labels: days, datasets: kinds.map((k) => ({
    label: k, data: series(k, (r) => pct(r.accepted, r.rejected)), borderColor: COLORS[k], backgroundColor: COLORS[k], spanGaps: true })) }, options: { scales: pctAxis } });

  const langs = d.byLanguage.filter((r) => r.accepted + r.rejected > 0).slice(0, 12);
  chart('chart-language', { type: 'bar', data: { labels: langs.map((r) => r.lang), datasets: [
    { label: 'acceptance rate (%)', data: langs.map((r) => pct(r.accepted, r.rejected)), backgroundColor: COLORS.completion }] }, options: { scales: pctAxis } });

  chart('chart-kind', { type: 'bar', data: { labels: d.byKind.map((r) => r.kind), datasets: ['shown', 'accepted', 'rejected'].map((k) => ({
    label: k, data: d.byKind.map((r) => r[k]), backgroundColor: COLORS[k] })) } });

  const g = d.gate.overTime;
  chart('chart-gate', { type: 'bar', data: { labels: g.map((r) => r.day), datasets: ['requested', 'skipped', 'shown', 'suppressed'].map((k) => ({
    label: k === 'suppressed' ? 'hidden' : k, data: g.map((r) => r[k]), backgroundColor: COLORS[k] })) } });

  const e = d.gate.exploration;
  chart('chart-explore', { type: 'doughnut', data: { labels: ['accepted', 'rejected', 'undecided'], datasets: [{
    data: [e.accepted, e.rejected, Math.max(0, e.shown - e.accepted - e.rejected)], backgroundColor: [COLORS.accepted, COLORS.rejected, COLORS.undecided] }] } });

  const after = (ms) => (ms % 60000 === 0 ? ms / 60000 + ' min' : Math.round(ms / 1000) + ' s');
  chart('chart-retention', { type: 'bar', data: { labels: d.retention.map((r) => after(r.afterMs)), datasets: [{
    label: 'mean share of accepted text still present (%)', data: d.retention.map((r) => Math.round(r.meanSurvived * 1000) / 10), backgroundColor: COLORS.accepted }] }, options: { scales: pctAxis } });

  chart('chart-fixes', { type: 'bar', data: { labels: days, datasets: [
    { label: 'verified fixes shown', data: series('fix', (r) => r.shown), backgroundColor: COLORS.fix },
    { label: 'fixes accepted', data: series('fix', (r) => r.accepted), backgroundColor: '#1e8449' },
    { label: 'hints shown', data: series('hint', (r) => r.shown), backgroundColor: COLORS.hint }] } });
}

async function main() {
  const status = document.getElementById('status');
  try {
    const res = await fetch('/dashboard/data', { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) { window.location.href = '/dashboard'; return; }
    if (!res.ok) throw new Error((await res.json()).error || res.statusText);
    const d = await res.json();
    document.getElementById('team').textContent = d.team;
    tiles(d);
    draw(d);
    status.textContent = d.totals.events ? `${d.totals.events} events from ${d.totals.users} users` : 'No events uploaded yet.';
    document.body.dataset.ready = 'true';
  } catch (err) {
    status.textContent = 'Could not load the dashboard data: ' + err.message;
    status.className = 'error';
    document.body.dataset.ready = 'error';
  }
}

main();
