/* congress-etl dashboard: draws every chart and table from the data chunks that
 * dashboards/build.py writes (see there for what each holds). No network, no eval, no markup
 * from data: every value reaches the page through textContent or ECharts' escaped labels. */
(function () {
  'use strict';

  var DIMS = ['year', 'level', 'province', 'body', 'event'];
  var BINS = [0, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100, 101];
  var LEVELS = {national: '全国 national', province: '省 province', city: '市 city', county: '县 county',
                township: '乡镇 township', unknown: '未知 unknown'};
  var EVENTS = {'开幕': '开幕 opening', '闭幕': '闭幕 closing', other: '其他 other'};
  var FIELDS = {meeting_name: '会议名称', date: '日期', time: '时间', venue: '地点', required: '应到',
                present: '实到', absent: '缺席', presider: '主持', executive_chairs: '执行主席',
                work_report_by: '政府工作报告', quorum_claimed: '法定人数', agenda_items: '议程'};
  var INVALID_COLOR = '#d32f2f';
  var PAGE = 50;
  // Province tile grid: [row, column] of each province, roughly where it lies.
  var TILES = {
    '黑龙江': [0, 8], '新疆': [1, 0], '内蒙古': [1, 5], '吉林': [1, 8], '北京': [1, 6], '辽宁': [2, 7],
    '甘肃': [2, 2], '宁夏': [2, 3], '山西': [2, 4], '河北': [2, 5], '天津': [2, 6], '西藏': [3, 0],
    '青海': [3, 1], '陕西': [3, 3], '河南': [3, 4], '山东': [3, 5], '四川': [4, 2], '重庆': [4, 3],
    '湖北': [4, 4], '安徽': [4, 5], '江苏': [4, 6], '上海': [4, 7], '云南': [5, 2], '贵州': [5, 3],
    '湖南': [5, 4], '江西': [5, 5], '浙江': [5, 6], '广西': [6, 3], '广东': [6, 4], '福建': [6, 5],
    '台湾': [6, 7], '海南': [7, 3], '香港': [7, 5], '澳门': [7, 4]
  };

  var chunks = {};
  var waiting = {};
  var S = null;        // summary chunk
  var M = [];          // listed meetings
  var F = {};          // filter: dim -> code or null
  var charts = {};
  var page = 0;
  var STAR = -1;       // code of event '*' in the meeting cube
  var PARTS = {};      // names of the top-list chunks that exist

  window.congressData = function (name, payload) {
    chunks[name] = payload;
    (waiting[name] || []).forEach(function (f) { f(payload); });
    delete waiting[name];
  };

  function load(name) {
    return new Promise(function (resolve, reject) {
      if (chunks[name]) { resolve(chunks[name]); return; }
      var first = !waiting[name];
      (waiting[name] = waiting[name] || []).push(resolve);
      if (!first) { return; }
      var s = document.createElement('script');
      s.src = document.querySelector('meta[name="congress-data"]').content + '/' + name + '.js';
      s.onerror = function () { reject(new Error('missing data chunk ' + name)); };
      document.head.appendChild(s);
    });
  }

  // ---- small helpers ----
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'cls') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c != null) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return e;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]; });
  }
  function pct(x, digits) { return x == null || isNaN(x) ? '–' : (x * 100).toFixed(digits == null ? 1 : digits) + '%'; }
  function dimLabel(dim, value) {
    if (dim === 'year') { return value === -1 ? '未知' : String(value); }
    if (dim === 'level') { return LEVELS[value] || value; }
    if (dim === 'event') { return EVENTS[value] || value; }
    return value;
  }
  function shortProvince(p) { return p.replace(/(维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|省|市)$/, ''); }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function cellMatches(cell, ignore) {
    for (var i = 0; i < 5; i++) {
      var f = F[DIMS[i]];
      if (f != null && ignore !== DIMS[i] && cell[i] !== f) { return false; }
    }
    return true;
  }
  function cubeRows(name) {
    var cube = S.cubes[name];
    return cube.rows.filter(function (r) { return cellMatches(r); });
  }
  function col(name, column) { return S.cubes[name].cols.indexOf(column); }
  function sum(rows, i) { var t = 0; rows.forEach(function (r) { t += r[i] || 0; }); return t; }
  function value(dim, code) { return S.dims[dim][code]; }

  // ---- filters ----
  function orderedCodes(dim) {
    var vals = S.dims[dim];
    var codes = vals.map(function (_, i) { return i; }).filter(function (i) { return vals[i] !== '*'; });
    var unknown = function (v) { return v === -1 || v === '未知' || v === 'unknown' || v === 'other'; };
    var rank = {national: 0, province: 1, city: 2, county: 3, township: 4};
    codes.sort(function (a, b) {
      var va = vals[a], vb = vals[b];
      if (unknown(va) !== unknown(vb)) { return unknown(va) ? 1 : -1; }
      if (dim === 'year') { return vb - va; }
      if (dim === 'level') { return (rank[va] == null ? 9 : rank[va]) - (rank[vb] == null ? 9 : rank[vb]); }
      return cmp(String(va), String(vb));
    });
    return codes;
  }
  function buildFilters() {
    DIMS.forEach(function (dim) {
      var sel = $('f-' + dim);
      sel.appendChild(el('option', {value: '', text: '全部 all'}));
      orderedCodes(dim).forEach(function (code) {
        sel.appendChild(el('option', {value: String(code), 'data-value': String(value(dim, code)), text: dimLabel(dim, value(dim, code))}));
      });
      sel.addEventListener('change', function () {
        F[dim] = sel.value === '' ? null : Number(sel.value);
        page = 0;
        render();
      });
    });
    $('f-reset').addEventListener('click', function () {
      DIMS.forEach(function (dim) { F[dim] = null; $('f-' + dim).value = ''; });
      page = 0;
      render();
    });
  }

  // ---- tiles ----
  function renderTiles() {
    var s = cubeRows('sittings');
    var c = function (name) { return col('sittings', name); };
    var meetings = S.cubes.meetings.rows.filter(function (r) {
      return cellMatches(r, 'event') && (F.event == null ? r[4] === STAR : r[4] === F.event);
    });
    var required = sum(s, c('required'));
    var v = cubeRows('violations');
    $('t-meetings').textContent = sum(meetings, col('meetings', 'meetings'));
    $('t-sittings').textContent = sum(s, c('sittings'));
    $('t-reports').textContent = sum(s, c('reports'));
    $('t-rate').textContent = required ? pct(sum(s, c('present')) / required) : '–';
    $('t-quorum').textContent = sum(s, c('below_quorum')) + sum(s, c('below_quorum_invalid'));
    $('t-invalid').textContent = sum(s, c('invalid'));
    $('t-violations').textContent = sum(v, col('violations', 'violations'));
  }

  // ---- charts ----
  function chart(id) {
    if (!charts[id]) { charts[id] = echarts.init($(id), null, {renderer: 'canvas'}); }
    return charts[id];
  }
  function binLabel(b) {
    if (b === 0) { return '<50%'; }
    if (b === 100) { return '100%'; }
    if (b === 101) { return '>100%'; }
    return b + '–' + (b + 5) + '%';
  }

  function renderDistribution() {
    var by = $('dist-by').value;           // level | body
    var di = DIMS.indexOf(by);
    var bin = col('distribution', 'rate_bin'), valid = col('distribution', 'valid'), n = col('distribution', 'sittings');
    var groups = {}, invalid = BINS.map(function () { return 0; });
    cubeRows('distribution').forEach(function (r) {
      var i = BINS.indexOf(r[bin]);
      if (!r[valid]) { invalid[i] += r[n]; return; }
      var g = value(by, r[di]);
      (groups[g] = groups[g] || BINS.map(function () { return 0; }))[i] += r[n];
    });
    var series = Object.keys(groups).sort().map(function (g) {
      return {name: by === 'level' ? dimLabel('level', g) : g, type: 'bar', stack: 'valid', data: groups[g]};
    });
    series.push({name: 'invalid 无效', type: 'bar', stack: 'invalid', data: invalid, itemStyle: {color: INVALID_COLOR},
                 barGap: '5%'});
    chart('chart-distribution').setOption({
      tooltip: {trigger: 'axis'}, legend: {type: 'scroll', top: 0},
      grid: {left: 48, right: 16, top: 36, bottom: 40},
      xAxis: {type: 'category', data: BINS.map(binLabel), axisLabel: {rotate: 30}},
      yAxis: {type: 'value', name: 'sittings', minInterval: 1},
      series: series
    }, true);
  }

  function renderHeatmap() {
    var metric = $('heat-metric').value;
    var cells = {};
    var add = function (r, v) {
      var key = r[0] + '|' + r[2];
      cells[key] = (cells[key] || 0) + v;
    };
    if (metric === 'violations') {
      var vi = col('violations', 'violations');
      cubeRows('violations').forEach(function (r) { add(r, r[vi]); });
    } else {
      var i = col('sittings', metric === 'quorum' ? 'below_quorum' : 'invalid');
      var j = col('sittings', 'below_quorum_invalid');
      cubeRows('sittings').forEach(function (r) { add(r, r[i] + (metric === 'quorum' ? r[j] : 0)); });
    }
    var years = {}, provinces = {};
    Object.keys(cells).forEach(function (k) { var p = k.split('|'); years[p[0]] = 1; provinces[p[1]] = 1; });
    var yc = Object.keys(years).map(Number).sort(function (a, b) {
      var va = value('year', a), vb = value('year', b);
      return (va === -1) - (vb === -1) || va - vb;  // unknown year last
    });
    var pc = Object.keys(provinces).map(Number).sort(function (a, b) { return cmp(value('province', b), value('province', a)); });
    var data = [], max = 0;
    Object.keys(cells).forEach(function (k) {
      var p = k.split('|').map(Number);
      if (cells[k] > 0) { data.push([yc.indexOf(p[0]), pc.indexOf(p[1]), cells[k]]); max = Math.max(max, cells[k]); }
    });
    chart('chart-heatmap').setOption({
      tooltip: {formatter: function (x) {
        return esc(value('province', pc[x.value[1]])) + ' ' + esc(dimLabel('year', value('year', yc[x.value[0]]))) + ': ' + x.value[2];
      }},
      grid: {left: 110, right: 16, top: 10, bottom: 84},
      xAxis: {type: 'category', data: yc.map(function (c) { return dimLabel('year', value('year', c)); }), splitArea: {show: true}},
      yAxis: {type: 'category', data: pc.map(function (c) { return value('province', c); }), splitArea: {show: true}},
      visualMap: {min: 0, max: Math.max(max, 1), calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
                  inRange: {color: ['#fff3e0', metric === 'quorum' ? '#e65100' : INVALID_COLOR]}},
      series: [{name: metric, type: 'heatmap', data: data, label: {show: data.length < 200}}]
    }, true);
  }

  function renderMonths() {
    var mi = col('months', 'month'), n = col('months', 'sittings'), bad = col('months', 'invalid');
    var byMonth = {}, undated = 0;
    cubeRows('months').forEach(function (r) {
      var y = value('year', r[0]);
      if (y === -1 || r[mi] == null) { undated += r[n]; return; }
      var key = y + '-' + (r[mi] < 10 ? '0' : '') + r[mi];
      var e = byMonth[key] = byMonth[key] || [0, 0];
      e[0] += r[n] - r[bad];
      e[1] += r[bad];
    });
    var keys = Object.keys(byMonth).sort();
    chart('chart-months').setOption({
      title: {text: undated ? undated + ' sittings without a dated year not shown' : '', right: 0, top: 0,
              textStyle: {fontSize: 11, fontWeight: 'normal', color: '#666'}},
      tooltip: {trigger: 'axis'}, legend: {top: 0, left: 0},
      grid: {left: 40, right: 16, top: 36, bottom: 60},
      xAxis: {type: 'category', data: keys},
      yAxis: {type: 'value', minInterval: 1},
      dataZoom: [{type: 'slider', bottom: 4, height: 18}],
      series: [{name: 'valid 有效', type: 'bar', stack: 's', data: keys.map(function (k) { return byMonth[k][0]; })},
               {name: 'invalid 无效', type: 'bar', stack: 's', itemStyle: {color: INVALID_COLOR},
                data: keys.map(function (k) { return byMonth[k][1]; })}]
    }, true);
  }

  function partKey() {
    return ['year', 'level', 'body', 'event'].map(function (d) {
      return F[d] == null ? '*' : String(value(d, F[d]));
    }).join('|');
  }
  function drawPeople(rows) {
    rows = rows.slice().reverse();
    chart('chart-people').setOption({
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}, formatter: function (ps) {
        var r = rows[ps[0].dataIndex];
        return esc(r[0]) + ': ' + r[1] + ' meetings (执行主席 ' + r[2] + ', 主持人 ' + r[3] + ')';
      }},
      grid: {left: 90, right: 30, top: 10, bottom: 24},
      xAxis: {type: 'value', minInterval: 1},
      yAxis: {type: 'category', data: rows.map(function (r) { return r[0]; })},
      series: [{name: 'meetings', type: 'bar', data: rows.map(function (r) { return r[1]; }), label: {show: true, position: 'right'}}]
    }, true);
  }
  // The top lists of the chosen province (or all) and year (or all), for the choice of the
  // other three filters: one lazily loaded chunk per province and year.
  function renderPart(done) {
    var province = F.province == null ? '*' : value('province', F.province);
    var year = F.year == null ? 'all' : String(value('year', F.year));
    var name = 'parts/' + year + '/' + S.provinces[province];
    var want = partKey() + '@' + province;
    var key = ['level', 'body', 'event'].map(function (d) {
      return F[d] == null ? '*' : String(value(d, F[d]));
    }).join('|');
    var draw = function (pt) {
      if (partKey() + '@' + (F.province == null ? '*' : value('province', F.province)) !== want) { return; }
      var g = (pt && pt.groups[key]) || {};
      var pick = function (table, kind) {
        return (g[kind] || []).map(function (i) {
          var o = {}, row = pt[table].rows[i];
          pt[table].cols.forEach(function (c, j) { o[c] = row[j]; });
          return o;
        });
      };
      drawPeople(g.people || []);
      renderLists(pick('sittings', 'low'), pick('sittings', 'quorum'), pick('sittings', 'invalid'));
      renderValidation(pick('conflicts', 'conflicts'), pick('checks', 'checks'));
      document.body.setAttribute('data-part', want);
      if (done) { done(); }
    };
    if (!PARTS[name]) { draw(null); return; }  // no sitting, chair or finding in this choice
    load(name).then(draw);
  }

  function renderThemes() {
    var ti = col('themes', 'theme'), n = col('themes', 'tasks');
    var byTheme = {}, years = {};
    cubeRows('themes').forEach(function (r) {
      var y = value('year', r[0]);
      if (y === -1) { return; }
      years[y] = 1;
      var name = S.cubes.themes.dicts.theme[r[ti]];
      var t = byTheme[name] = byTheme[name] || {};
      t[y] = (t[y] || 0) + r[n];
    });
    var ys = Object.keys(years).map(Number).sort(function (a, b) { return a - b; });
    chart('chart-themes').setOption({
      tooltip: {trigger: 'axis'}, legend: {type: 'scroll', top: 0},
      grid: {left: 40, right: 16, top: 36, bottom: 24},
      xAxis: {type: 'category', data: ys.map(String)},
      yAxis: {type: 'value', minInterval: 1},
      series: Object.keys(byTheme).sort().map(function (t) {
        return {name: t, type: 'line', symbolSize: 5, data: ys.map(function (y) { return byTheme[t][y] || 0; })};
      })
    }, true);
  }

  function renderProvinces() {
    var metric = $('tile-metric').value;
    var c = function (name) { return col('sittings', name); };
    var per = {};
    S.cubes.sittings.rows.filter(function (r) { return cellMatches(r, 'province'); }).forEach(function (r) {
      var e = per[r[2]] = per[r[2]] || {sittings: 0, required: 0, present: 0, quorum: 0};
      e.sittings += r[c('sittings')]; e.required += r[c('required')]; e.present += r[c('present')]; e.quorum += r[c('below_quorum')] + r[c('below_quorum_invalid')];
    });
    var extra = 0, data = [];
    Object.keys(per).forEach(function (code) {
      var name = value('province', Number(code)), e = per[code];
      var pos = TILES[shortProvince(name)];
      if (!pos) { pos = [8, extra++]; }
      var v = metric === 'rate' ? (e.required ? e.present / e.required : null) : metric === 'sittings' ? e.sittings : e.quorum;
      data.push({name: name, value: [pos[1], pos[0], v], selected: F.province === Number(code)});
    });
    chart('chart-provinces').setOption({
      tooltip: {formatter: function (x) {
        return esc(x.name) + ': ' + (metric === 'rate' ? pct(x.value[2]) : x.value[2]);
      }},
      grid: {left: 8, right: 8, top: 8, bottom: 40},
      xAxis: {type: 'value', min: -0.5, max: 8.5, show: false},
      yAxis: {type: 'value', min: -0.5, max: 8.5, inverse: true, show: false},
      visualMap: {dimension: 2, orient: 'horizontal', left: 'center', bottom: 0, calculable: true,
                  min: metric === 'rate' ? Math.min.apply(null, data.map(function (d) { return d.value[2] == null ? 1 : d.value[2]; }).concat([0.9])) : 0,
                  max: metric === 'rate' ? 1 : Math.max.apply(null, data.map(function (d) { return d.value[2] || 0; }).concat([1])),
                  inRange: {color: metric === 'rate' ? ['#ef6c00', '#fff59d', '#2e7d32'] : ['#e3f2fd', '#1565c0']}},
      series: [{type: 'scatter', symbol: 'rect', symbolSize: [52, 34], data: data,
                label: {show: true, formatter: function (x) {
                  return shortProvince(x.name) + '\n' + (metric === 'rate' ? pct(x.value[2], 0) : x.value[2]);
                }, fontSize: 10, color: '#111'}}]
    }, true);
  }

  function renderRules() {
    var si = col('violations', 'source'), ri = col('violations', 'rule'), vi = col('violations', 'violations');
    var per = {};
    var dict = S.cubes.violations.dicts;
    cubeRows('violations').forEach(function (r) { var k = dict.source[r[si]] + ': ' + dict.rule[r[ri]]; per[k] = (per[k] || 0) + r[vi]; });
    var keys = Object.keys(per).sort(function (a, b) { return per[a] - per[b] || cmp(b, a); });
    chart('chart-rules').setOption({
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}},
      grid: {left: 230, right: 40, top: 10, bottom: 24},
      xAxis: {type: 'value', minInterval: 1},
      yAxis: {type: 'category', data: keys},
      series: [{name: 'violations', type: 'bar', data: keys.map(function (k) { return per[k]; }),
                itemStyle: {color: INVALID_COLOR}, label: {show: true, position: 'right'}}]
    }, true);
  }

  // ---- tables ----
  function meetingLink(id, name) {
    var a = el('a', {href: '#meeting-' + id, cls: 'meeting-link', 'data-meeting': id, text: name || id});
    a.addEventListener('click', function (ev) { ev.preventDefault(); openMeeting(id); });
    return a;
  }
  function table(node, head, rows) {
    node.textContent = '';
    node.appendChild(el('tr', {}, head.map(function (h) { return el('th', {text: h}); })));
    rows.forEach(function (r) { node.appendChild(r); });
    if (!rows.length) { node.appendChild(el('tr', {}, [el('td', {colspan: String(head.length), cls: 'empty', text: 'None for this filter.'})])); }
  }
  function rulesBadge(rules) {
    return (rules && rules.length) ? el('span', {cls: 'badge invalid', text: '✗ ' + rules.join(', ')}) : null;
  }
  function sittingRow(s) {
    return el('tr', {cls: s.valid ? 'sitting' : 'sitting invalid', 'data-meeting': s.meeting_id}, [
      el('td', {}, [meetingLink(s.meeting_id, s.meeting_name)]),
      el('td', {text: dimLabel('event', s.event)}),
      el('td', {text: s.event_date || ''}),
      el('td', {cls: 'num', text: s.required == null ? '' : String(s.required)}),
      el('td', {cls: 'num', text: s.present == null ? '' : String(s.present)}),
      el('td', {cls: 'num rate', text: pct(s.attendance_rate)}),
      el('td', {cls: 'num' + (s.quorum_met === false ? ' bad' : ''), text: s.quorum_margin == null ? '' : String(s.quorum_margin)}),
      el('td', {}, [rulesBadge(s.rules)])
    ]);
  }
  function renderLists(low, quorum, invalid) {
    var head = ['meeting', 'sitting', 'date', 'required', 'present', 'rate', 'quorum margin', 'failed rules'];
    table($('low-table'), head, low.map(sittingRow));
    table($('quorum-table'), head, quorum.map(sittingRow));
    table($('invalid-table'), head, invalid.map(sittingRow));
  }
  function renderValidation(conflicts, checks) {
    table($('conflicts-table'), ['meeting', 'sitting', 'field', 'one report says', 'another says'], conflicts.map(function (c) {
      return el('tr', {}, [el('td', {}, [meetingLink(c.meeting_id, c.meeting_name)]), el('td', {text: dimLabel('event', c.event)}),
        el('td', {text: c.field}), el('td', {text: (c.value_a || '') + ' “' + (c.snippet_a || '') + '”'}),
        el('td', {text: (c.value_b || '') + ' “' + (c.snippet_b || '') + '”'})]);
    }));
    table($('checks-table'), ['rule', 'meeting', 'finding'], checks.map(function (c) {
      return el('tr', {}, [el('td', {text: c.rule}), el('td', {}, [meetingLink(c.meeting_id, c.meeting_name)]), el('td', {text: c.message || ''})]);
    }));
  }

  function filteredMeetings() {
    var q = $('search').value.trim().toLowerCase();
    return M.filter(function (m) {
      if (!cellMatches(m.cell.concat([F.event == null ? 0 : F.event]), 'event')) { return false; }
      if (F.event != null && m.events.indexOf(F.event) < 0) { return false; }
      if (!q) { return true; }
      if ((m.name || '').toLowerCase().indexOf(q) >= 0 || (m.region || '').toLowerCase().indexOf(q) >= 0) { return true; }
      return m.people.some(function (p) { return p[0].toLowerCase().indexOf(q) >= 0; });
    });
  }
  function renderMeetings() {
    var rows = filteredMeetings();
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    page = Math.min(page, pages - 1);
    var q = $('search').value.trim();
    var shown = rows.slice(page * PAGE, (page + 1) * PAGE);
    table($('meetings-table'), ['meeting', 'region', 'level', 'body', 'year', 'sittings', 'reports', 'conflicts', 'people'],
      shown.map(function (m) {
        var people = m.people.map(function (p) { return p[0]; }).filter(function (n, i, a) { return a.indexOf(n) === i; });
        var hit = q ? people.filter(function (n) { return n.indexOf(q) >= 0; }) : [];
        return el('tr', {cls: 'meeting', id: 'meeting-' + m.id}, [
          el('td', {}, [meetingLink(m.id, m.name)]), el('td', {text: m.region || ''}),
          el('td', {text: dimLabel('level', value('level', m.cell[1]))}), el('td', {text: value('body', m.cell[3])}),
          el('td', {text: dimLabel('year', value('year', m.cell[0]))}),
          el('td', {text: m.events.map(function (e) { return value('event', e); }).join('、')}),
          el('td', {cls: 'num', text: m.distinct_reports + (m.reports !== m.distinct_reports ? ' (+' + (m.reports - m.distinct_reports) + ' reposts)' : '')}),
          el('td', {cls: 'num' + (m.conflicts ? ' bad' : ''), text: String(m.conflicts)}),
          el('td', {cls: 'people', text: (hit.length ? hit : people.slice(0, 4)).join('、') + (!hit.length && people.length > 4 ? ' …' : '')})
        ]);
      }));
    var total = $('t-meetings').textContent;
    $('meetings-count').textContent = rows.length + ' listed' + (q ? ' matching “' + q + '”' : '') + ' · ' + total +
      ' meetings in this filter · the page lists up to ' + S.detail_meetings + ' meetings (the most recent of every year, level, province and body first); the BI snapshot holds them all';
    $('page-info').textContent = 'page ' + (page + 1) + ' / ' + pages;
  }

  // ---- drill-down ----
  function openMeeting(id) {
    var m = M.filter(function (x) { return x.id === id; })[0];
    var box = $('detail');
    box.hidden = false;
    $('detail-title').textContent = m ? m.name : id;
    var body = $('detail-body');
    body.textContent = '';
    if (!m) {
      body.appendChild(el('p', {cls: 'note', text: 'This meeting is not among the ' + S.detail_meetings +
        ' listed on this page; query it in the BI snapshot: select * from meeting_facts where report_id in (select report_id from meeting_reports where meeting_id = \'' + id + '\')'}));
      box.scrollIntoView();
      return;
    }
    load(m.chunk).then(function (d) {
      body.appendChild(el('p', {cls: 'meta', text: [m.region, dimLabel('level', value('level', m.cell[1])), value('body', m.cell[3]),
        dimLabel('year', value('year', m.cell[0]))].join(' · ')}));
      d.reports.forEach(function (r) { body.appendChild(reportBlock(r)); });
      box.scrollIntoView();
    });
  }
  // A report's text cut at every span boundary: [[piece, [fact indexes covering it]]], covering
  // the text once in order. Spans outside the text are clipped, empty ones dropped. The offsets
  // count code points (Python's str, as the extractor counts them), JavaScript strings UTF-16
  // units: the text is cut as an array of code points so characters outside the BMP (rare CJK,
  // emoji) count one, as they do in the warehouse.
  function cutText(text, facts) {
    if (!text) { return []; }
    var cps = Array.from(text);
    var n = cps.length;
    var starts = {}, ends = {}, cuts = [0, n];
    var clip = function (x) { return Math.max(0, Math.min(x, n)); };
    facts.forEach(function (f, j) {
      var s = clip(f.start), e = clip(f.end);
      if (!(e > s)) { return; }
      (starts[s] = starts[s] || []).push(j);
      (ends[e] = ends[e] || []).push(j);
      cuts.push(s, e);
    });
    cuts = cuts.sort(function (a, b) { return a - b; }).filter(function (c, i, a) { return i === 0 || c !== a[i - 1]; });
    var open = [], out = [];  // a sweep over the cuts: the spans covering each piece
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i];
      open = open.filter(function (j) { return (ends[a] || []).indexOf(j) < 0; }).concat(starts[a] || []);
      out.push([cps.slice(a, cuts[i + 1]).join(''), open.slice().sort(function (x, y) { return x - y; })]);
    }
    return out;
  }
  function reportBlock(r) {
    var sid = function (j) { return 's-' + r.report_id + '-' + j; };
    var text = el('div', {cls: 'report-text', id: 'text-' + r.report_id});
    cutText(r.text, r.facts).forEach(function (s) {
      if (!s[1].length) { text.appendChild(document.createTextNode(s[0])); return; }
      text.appendChild(el('span', {'data-s': s[1].map(sid).join(' '), text: s[0]}));
    });
    var facts = el('table', {cls: 'data facts'}, [el('tr', {}, [el('th', {text: 'fact'}), el('th', {text: 'value'}), el('th', {text: 'source span'})])]);
    r.facts.forEach(function (f, j) {
      var a = el('a', {href: '#' + sid(j), cls: 'span-link', text: f.snippet || ''});
      a.addEventListener('click', function (ev) { ev.preventDefault(); highlight(text, sid(j)); });
      facts.appendChild(el('tr', {}, [el('td', {text: Object.prototype.hasOwnProperty.call(FIELDS, f.field) ? FIELDS[f.field] : f.field}), el('td', {text: f.value == null ? '' : String(f.value)}), el('td', {}, [a])]));
    });
    var head = el('h3', {}, [(r.event ? dimLabel('event', r.event) + ' ' : '') + (r.event_date || '') + ' · ' + (r.file_path || r.report_id)]);
    if (r.duplicate_of) { head.appendChild(el('i', {text: ' (repost)'})); }
    var rules = r.rules.length ? el('p', {cls: 'bad'}, ['✗ failed validation: ' + r.rules.map(function (x) { return x.rule + ' (' + (x.message || '') + ')'; }).join('; ')]) : null;
    return el('article', {cls: 'report' + (r.valid ? '' : ' invalid'), id: 'r-' + r.report_id}, [head, rules, facts,
      el('details', {open: ''}, [el('summary', {text: 'report text'}), text])]);
  }
  function highlight(text, id) {
    document.querySelectorAll('.report-text .hl').forEach(function (e) { e.classList.remove('hl'); });
    var lit = Array.prototype.slice.call(text.querySelectorAll('span[data-s]')).filter(function (e) {
      return e.getAttribute('data-s').split(' ').indexOf(id) >= 0;
    });
    lit.forEach(function (e) { e.classList.add('hl'); });
    if (lit.length) { lit[0].scrollIntoView({block: 'center'}); }
  }

  function renderRuns() {
    table($('runs-table'), ['run', 'started', 'status', 'seen', 'new', 'loaded', 'quarantined', 'rules'], S.runs.map(function (r) {
      return el('tr', {}, [el('td', {text: r.run_id}), el('td', {text: r.started_at || ''}), el('td', {cls: r.status === 'ok' ? '' : 'bad', text: r.status}),
        el('td', {cls: 'num', text: String(r.files_seen)}), el('td', {cls: 'num', text: String(r.files_new)}),
        el('td', {cls: 'num', text: String(r.files_loaded)}), el('td', {cls: 'num', text: String(r.files_quarantined)}),
        el('td', {text: (r.rules || []).join(', ')})]);
    }));
  }

  function render(done) {
    renderTiles();
    renderDistribution();
    renderHeatmap();
    renderMonths();
    renderThemes();
    renderProvinces();
    renderRules();
    renderMeetings();
    renderPart(done);
  }

  function start() {
    document.body.setAttribute('data-start', String(Math.round(performance.now())));
    S = chunks.summary;
    M = (chunks.meetings || {meetings: []}).meetings;
    if (!S || typeof echarts === 'undefined') {
      document.body.insertBefore(el('p', {cls: 'bad', text: 'Dashboard data or chart library missing: rebuild with `congress-etl dashboard`.'}), document.body.firstChild);
      return;
    }
    STAR = S.dims.event.indexOf('*');
    S.parts.forEach(function (name) { PARTS[name] = true; });
    DIMS.forEach(function (d) { F[d] = null; });
    $('source').textContent = S.source;
    Object.keys(S.links).forEach(function (name) { $('links').appendChild(el('a', {href: S.links[name], text: name})); });
    buildFilters();
    ['dist-by', 'heat-metric', 'tile-metric'].forEach(function (id) { $(id).addEventListener('change', function () { render(); }); });
    $('search').addEventListener('input', function () { page = 0; renderMeetings(); });
    $('page-prev').addEventListener('click', function () { page = Math.max(0, page - 1); renderMeetings(); });
    $('page-next').addEventListener('click', function () { page += 1; renderMeetings(); });
    renderRuns();
    window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
    render(function () {
      // ms from navigation start to a fully drawn page (tables of the lazily loaded part included)
      document.body.setAttribute('data-ready', String(Math.round(performance.now())));
    });
  }

  document.addEventListener('DOMContentLoaded', start);
})();
