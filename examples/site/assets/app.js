// The public page: starts the verifier's worker, shows its progress and
// then what it found. Every text from the published files is put in the
// page with textContent, never as HTML.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const worker = new Worker('worker.js');
  let verified = false;
  let pendingSelfCheck = null;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function bi(zh, en) {
    const span = el('span');
    span.appendChild(document.createTextNode(zh));
    if (en) { span.appendChild(document.createTextNode(' ')); span.appendChild(el('span', en, 'en')); }
    return span;
  }
  function row(tbody, cells) {
    const tr = el('tr');
    for (const c of cells) {
      let td;
      if (c instanceof Node) { td = el('td'); td.appendChild(c); }
      else if (c && typeof c === 'object') { td = el('td', c.text, c.cls); }
      else { td = el('td', c); }
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
    return tr;
  }
  function table(headers, rows, id) {
    const t = el('table');
    if (id) t.id = id;
    const thead = el('thead'); const tr = el('tr');
    for (const h of headers) tr.appendChild(el('th', h));
    thead.appendChild(tr); t.appendChild(thead);
    const tbody = el('tbody');
    for (const r of rows) row(tbody, r);
    t.appendChild(tbody);
    return t;
  }
  const num = (n) => ({ text: n, cls: 'num' });
  const mono = (s) => ({ text: s, cls: 'mono' });

  function mib(n) { return (n / 1048576).toFixed(1) + ' MB'; }
  // The page's thread is free while the worker verifies: a clock shows
  // that work goes on in a large county.
  const started = Date.now();
  let lastText = '';
  const clock = setInterval(() => {
    if (verified) { clearInterval(clock); return; }
    $('progress-text').textContent = lastText + '（已用时 ' + Math.round((Date.now() - started) / 1000) + ' 秒 elapsed）';
  }, 1000);
  function setProgress(zh, en, done, total) {
    lastText = zh + ' ' + en;
    $('progress-text').textContent = lastText;
    const bar = $('progress-bar');
    if (total > 0) { bar.max = total; bar.value = done; } else { bar.removeAttribute('value'); }
  }

  worker.onmessage = (e) => {
    const m = e.data;
    if (m.type === 'progress') {
      switch (m.step) {
        case 'start': setProgress('正在载入核验程序和公示文件…', 'Loading the verifier and the published files…', 0, 0); break;
        case 'fetch': setProgress('下载公示文件 ' + m.files + '/' + m.count + '（' + mib(m.done) + ' / ' + mib(m.total) + '）', 'Downloading the published files', m.done, m.total); break;
        case 'ledger': setProgress('读取台账…', 'Reading the ledger…', 0, 0); break;
        case 'tables': setProgress(m.total > 0 ? '名录已读取：' + m.total + ' 家经营场所' : '读取名录…', 'Reading the tables…', 0, 0); break;
        case 'verify': setProgress('核验签名并重新抽取 ' + m.total + ' 份文件…', 'Checking signatures and replaying the draws…', 0, 0); break;
        case 'done': setProgress('核验完成', 'Done', 1, 1); break;
      }
    } else if (m.type === 'result') {
      render(JSON.parse(m.json));
    } else if (m.type === 'selfcheck') {
      renderSelfCheck(JSON.parse(m.json));
    } else if (m.type === 'error') {
      render({ status: 'failed', problems: [{ doc: '', zh: '核验无法进行：' + m.message, en: m.message }], checks: [] });
    }
  };
  worker.postMessage({ type: 'verify' });

  function render(r) {
    verified = true;
    window.__drMillis = r.millis || 0;
    $('progress').hidden = true;
    const v = $('verdict');
    v.textContent = '';
    if (r.status === 'verified') {
      v.appendChild(el('p', '核验通过：本次公示的全部文件签名有效、前后相连，按公告的规则和种子重新抽取的结果与公布的完全一致。', 'zh'));
      v.appendChild(el('p', 'Verified: every document is signed and chained, and replaying every draw from the published rules and seed gives exactly what was published.', 'en'));
    } else {
      const first = (r.problems && r.problems[0]) || { zh: '', en: '' };
      v.appendChild(el('p', '核验未通过：发现 ' + (r.problems ? r.problems.length : 0) + ' 处不一致。' + (first.doc && first.zh.indexOf(first.doc) < 0 ? first.doc + '：' : '') + first.zh, 'zh'));
      v.appendChild(el('p', 'FAILED: ' + (r.problems ? r.problems.length : 0) + ' problems. ' + first.en, 'en'));
    }
    v.dataset.status = r.status;

    // Checks, keys, summary.
    const ul = $('checks'); ul.textContent = '';
    for (const c of r.checks || []) {
      const li = el('li', null, c.skipped ? 'skipped' : (c.ok ? 'ok' : 'bad'));
      if (c.skipped) li.appendChild(bi(c.zh, c.en));
      else li.appendChild(bi(c.zh + (c.ok ? '：通过' : '：未通过'), c.en + (c.ok ? ': passed' : ': FAILED')));
      ul.appendChild(li);
    }
    const kb = $('keys').tBodies[0]; kb.textContent = '';
    for (const k of r.keys || []) row(kb, [k.name, mono(k.text)]);
    $('summary').textContent = r.ledger ? '台账 ' + r.ledger + '：' + r.documents + ' 份文件；检查点 ' + r.checkpoint + '；用时 ' + (r.millis / 1000).toFixed(1) + ' 秒。 (ledger, documents, checkpoint, time)' : '';
    $('checks-box').hidden = false;

    // Problems.
    const ol = $('problems'); ol.textContent = '';
    for (const p of r.problems || []) {
      const li = el('li');
      li.appendChild(el('strong', p.doc || '台账'));
      li.appendChild(document.createTextNode('：' + p.zh));
      li.appendChild(el('div', p.en, 'en'));
      if (p.diff) li.appendChild(el('pre', '-公布 recorded  +重算 replayed\n' + p.diff));
      ol.appendChild(li);
    }
    $('problems-box').hidden = !(r.problems && r.problems.length);

    // Announcements with their fate, and plans.
    const ab = $('announcements').tBodies[0]; ab.textContent = '';
    const plans = $('plans'); plans.textContent = '';
    for (const a of r.announcements || []) {
      const fate = el('div', null, 'fate-' + a.fate + (a.reroll ? ' reroll' : ''));
      fate.appendChild(bi(a.fate_zh, a.fate_en));
      const timing = el('div', null, 'timing-' + (a.timing || 'none'));
      if (a.timing) timing.appendChild(bi(a.timing_zh, a.timing_en));
      const tr = row(ab, [a.file + (a.unverified ? '（未通过核验，仅供参考 did not verify）' : ''), a.published, (a.plan_id || '') + (a.plan_name ? ' ' + a.plan_name : ''), (a.seed || []).join('；'), fate, timing]);
      tr.dataset.fate = a.fate;
      if (a.reroll) tr.dataset.reroll = 'true';
      if (a.timing) tr.dataset.timing = a.timing;
      const h = el('h3'); h.appendChild(bi('计划 ' + (a.plan_id || a.file), 'plan of ' + a.file)); plans.appendChild(h);
      plans.appendChild(table(['规则', 'Rule', '内容 Value'], (a.rules || []).map((x) => [x.zh, x.en, x.value])));
      const d = el('details'); d.appendChild(el('summary', '计划原文 Plan text (JSON)')); d.appendChild(el('pre', a.plan)); plans.appendChild(d);
    }
    $('announcements-box').hidden = !(r.announcements && r.announcements.length);

    // Draws: strata, visits, results.
    const draws = $('draws'); draws.textContent = '';
    for (const d of r.draws || []) {
      const h = el('h3'); h.appendChild(bi('抽取 ' + d.file + (d.voided_by ? '（已被 ' + d.voided_by + ' 作废）' : '') + (d.unverified ? '（未通过核验，以下内容仅供参考）' : ''), 'draw of ' + d.announcement + (d.voided_by ? ', VOIDED' : '') + (d.unverified ? ', DID NOT VERIFY: shown for reference' : ''))); draws.appendChild(h);
      draws.appendChild(el('p', '抽取时间 ' + d.drawn_at + '；种子 seed ' + d.seed + '；密钥 key ' + d.key + '；' + (d.replayed ? '重新抽取：完全一致 (replayed: identical)' : '未能重新抽取或不一致 (not replayed)') + '；人员替换 ' + d.substitutions + ' 次 (substitutions)', 'mono'));
      if (d.tasks && d.tasks.length) {
        // Protocol v2: a table per task (抽查事项): pool, quota, shortfall, groups and thresholds.
        for (const t of d.tasks) {
          draws.appendChild(el('h4', '抽查事项 Task ' + t.id + (t.name ? ' ' + t.name : '') + (t.matter && t.matter !== t.id ? '（事项 matter ' + t.matter + '）' : '')));
          const tt = table(['范围内 Pool', '冷却排除 Cooling', '可抽 Eligible', '逾期 Overdue', '应抽 Want', '配额 Quota', '抽中 Selected', '缺额 Shortfall'],
            [[num(t.pool), num(t.cooling), num(t.eligible), num(t.overdue), num(t.want), num(t.quota), num(t.selected), num(t.shortfall)]]);
          tt.className = 'task'; tt.dataset.task = t.id; draws.appendChild(tt);
          draws.appendChild(table(['分组 Group', '可抽 Eligible', '逾期 Overdue', '配额 Quota', '抽中 Selected', '缺额 Shortfall', '阈值 Threshold'],
            (t.groups || []).map((s) => [(s.values || []).join('、') || '（全部）', num(s.eligible), num(s.overdue || 0), num(s.quota), num(s.selected), num(s.shortfall), mono(s.threshold)])));
        }
      } else {
        draws.appendChild(el('h4', '分组与配额 Strata: pool, quota, shortfall, threshold'));
        draws.appendChild(table(['分组 Group', '可抽 Eligible', '冷却排除 Cooling', '配额 Quota', '抽中 Selected', '缺额 Shortfall', '阈值 Threshold'],
          (d.strata || []).map((s) => [s.values.join('、') || '（全部）', num(s.eligible), num(s.excluded), num(s.quota), num(s.selected), num(s.shortfall), mono(s.threshold)])));
      }
      draws.appendChild(el('h4', '抽中名单 Visits (' + (d.visits || []).length + ')'));
      draws.appendChild(table(['#', '统一社会信用代码 ID', '名称 Name', '分组 Group', '优先数 Priority', (d.tasks && d.tasks.length ? '事项与方式 Tasks and marks' : '方式 Mark'), '检查组人数 Team', '结果 Outcome'],
        (d.visits || []).map((x, i) => [num(i + 1), mono(x.id), x.name, (x.stratum || []).join('、'), mono(x.priority), bi(x.mark_zh, x.mark), num(x.unstaffed ? 0 : x.team_size), x.outcome || (x.unstaffed ? '未配齐人员 ' + x.unstaffed : '')])));
      draws.appendChild(el('h4', '检查结果 Results (' + (d.results || []).length + (d.missing ? '；尚未公开 ' + d.missing + (d.overdue ? '，已逾期 overdue' : '') : '') + ')'));
      draws.appendChild(table(['统一社会信用代码 ID', '名称 Name', '结果 Outcome', '检查日期 Inspected', '公开日期 Published', '文件 Document', '备注 Note'],
        (d.results || []).map((x) => [mono(x.premises), x.name, bi(x.zh, x.en), x.inspected, x.published + (x.late ? '（逾期 late）' : ''), x.doc, x.note || ''])));
    }
    $('draws-box').hidden = !(r.draws && r.draws.length);

    const wl = $('warnings'); wl.textContent = '';
    for (const w of r.warnings || []) { const li = el('li', (w.doc ? w.doc + '：' : '') + w.zh); li.appendChild(el('div', w.en, 'en')); wl.appendChild(li); }
    $('warnings-box').hidden = !(r.warnings && r.warnings.length);

    renderTiming(r);

    const tb = $('tables').tBodies[0]; tb.textContent = '';
    for (const t of r.tables || []) row(tb, [t.name, t.file, num(t.rows), mono(t.root)]);
    $('report').textContent = r.report || '';
    $('tables-box').hidden = !(r.tables && r.tables.length);

    if (pendingSelfCheck !== null) { const id = pendingSelfCheck; pendingSelfCheck = null; selfCheck(id); }
  }

  // Timing: from the witnesses' cosignatures, or what rests on the
  // agency's word alone.
  function renderTiming(r) {
    const t = r.timing;
    const box = $('timing'); box.textContent = '';
    $('timing-box').hidden = !t;
    if (!t) return;
    if (t.witnessed) {
      box.appendChild(bi('见证人（' + (r.witnesses || []).map((w) => w.name).join('、') + '）中至少 ' + t.quorum + ' 位联署才计入；公示包中有 ' + t.cosigned + ' 个联署的检查点，其中 ' + t.matching + ' 个与台账一致。',
        'Witnesses ' + (t.witnesses || []).join(', ') + ' (quorum ' + t.quorum + '): ' + t.cosigned + ' cosigned checkpoints, ' + t.matching + ' matching the ledger.'));
      box.appendChild(table(['见证人 Witness', '公钥 Key'], (r.witnesses || []).map((w) => [w.name, mono(w.text)]), 'witness-keys'));
    } else {
      const p = el('p', null, 'warn');
      p.appendChild(bi('本页没有见证人公钥：以下时间方面的检查仅凭机关自述，无法独立核验。', 'No witnesses: these timing checks rest on the agency\'s word alone.'));
      box.appendChild(p);
      const ul = el('ul'); ul.id = 'agency-word';
      for (const w of t.agency_word || []) { const li = el('li'); li.appendChild(bi(w.zh, w.en)); ul.appendChild(li); }
      box.appendChild(ul);
    }
    const rows = (t.announcements || []).map((a) => {
      const label = { 'proven': '已证明 PROVEN', 'not-proven': '未能证明 NOT PROVEN', 'pending': '待证明 pending', 'no-event': '无事件时间 no event time', 'agency-word': '仅凭机关自述 agency\'s word' }[a.status] || a.status;
      return [a.file, { text: label, cls: 'timing-' + a.status }, a.published, a.witnessed || '—', bi(a.zh, a.en)];
    });
    box.appendChild(table(['公告 Announcement', '早于种子事件？ Before its seed event?', '标注时间 Dated', '见证时间 Witnessed by', '说明 Details'], rows, 'timing-announcements'));
    const bad = el('ul', null, 'bad-list'); bad.id = 'timing-proofs';
    for (const f of t.future_dated || []) { const li = el('li', null, 'bad'); li.appendChild(bi(f.zh, f.en)); bad.appendChild(li); }
    for (const x of (t.rollbacks || []).concat(t.forks || [])) {
      const li = el('li', null, 'bad'); li.appendChild(bi(x.zh, x.en)); li.appendChild(el('pre', x.notes)); bad.appendChild(li);
    }
    if (bad.childNodes.length) box.appendChild(bad);
    const d = el('details'); d.appendChild(el('summary', '时间核验报告（与 cli verify 相同） Timing report of cli verify')); d.appendChild(el('pre', t.report)); box.appendChild(d);
  }

  function selfCheck(id) {
    const out = $('selfcheck-verdict');
    out.dataset.status = 'pending';
    out.textContent = '查询中… Checking…';
    if (!verified) { pendingSelfCheck = id; return; }
    worker.postMessage({ type: 'selfcheck', id });
  }

  function renderSelfCheck(a) {
    const out = $('selfcheck-verdict');
    out.textContent = '';
    const head = { 'selected': '已被抽中 Selected', 'not-selected': '未被抽中 Not selected', 'failed': '无法确认 Could not check' }[a.status] || a.status;
    out.appendChild(el('strong', a.id + (a.name ? '（' + a.name + '）' : '') + '：' + head));
    out.appendChild(el('p', a.zh));
    out.appendChild(el('p', a.en, 'en'));
    out.dataset.status = a.status;
    const t = $('selfcheck-details'); const tb = t.tBodies[0]; tb.textContent = '';
    const add = (k, v) => { if (v !== undefined && v !== null && v !== '') row(tb, [k, v]); };
    add('抽取 Draw', a.draw);
    add('分组 Group', (a.stratum || []).join('、'));
    add('优先数 Priority', a.priority);
    add('本组阈值 Threshold of the group', a.threshold);
    if (a.draw && !(a.tasks && a.tasks.length)) add('本组配额 / 可抽 Quota / eligible', a.quota + ' / ' + a.eligible);
    add('方式 Mark', a.mark_zh ? a.mark_zh + ' (' + a.mark + ')' : '');
    if (a.status === 'selected') add('检查组人数 Team size', a.team_size + ' 人（不公开姓名 names not shown）');
    if (a.root) add('包含证明 Inclusion proof', (a.proof_ok ? '已核对：该行与公告的名录根哈希一致 (checked against the announced root) ' : '不一致 (does not match) ') + a.root + '，路径 ' + a.proof_len + ' 步');
    add('检查结果 Result', a.result_zh ? a.result_zh + ' ' + (a.result_en || '') : '');
    for (const x of a.tasks || []) {
      // Protocol v2: per task, W against its group's threshold.
      const tr = row(tb, ['事项 Task ' + x.task + (x.name ? ' ' + x.name : ''), bi('W ' + x.w + (x.threshold ? ' / 阈值 threshold ' + x.threshold : '') + (x.mark ? '，' + x.mark_zh + ' (' + x.mark + ')' : '') + '：' + x.zh, x.en)]);
      tr.dataset.task = x.task;
      tr.dataset.verdict = x.verdict;
    }
    t.hidden = tb.rows.length === 0;
  }

  $('selfcheck-form').addEventListener('submit', (e) => { e.preventDefault(); selfCheck($('selfcheck-id').value.trim()); });
  $('print').addEventListener('click', () => window.print());
  // Printed, the plan texts and the report are open.
  let closed = [];
  window.addEventListener('beforeprint', () => {
    closed = Array.from(document.querySelectorAll('details:not([open])'));
    closed.forEach((d) => { d.open = true; });
  });
  window.addEventListener('afterprint', () => { closed.forEach((d) => { d.open = false; }); closed = []; });
  const q = new URLSearchParams(location.search).get('selfcheck');
  if (q) { $('selfcheck-id').value = q; selfCheck(q.trim()); }
})();
