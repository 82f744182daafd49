// The contact sheet's enhancement (studio gallery). Without it the page works as paged forms; with it:
// - the whole show is loaded into one grid (?handler=cells), the pager goes away;
// - click, Shift+click (range), Ctrl/Cmd+click (toggle), arrows, Shift+arrows and Ctrl/Cmd+A select;
// - the inspector edits the selected photo (or several: not the alt text, which is written photo by photo);
// - every save posts one photo's changed fields only, each with the value it had when it was shown, so two editors
//   never overwrite each other's fields (the server merges per field and answers 409 with theirs on a conflict);
// - P / U publish / unpublish the selection, Alt+arrows move a photo, M "Move to position…", ? shows the shortcuts;
// - code replacements are previewed as you type.
(function () {
  'use strict';
  var sheet = document.getElementById('sheet');
  var grid = document.getElementById('sheet-grid');
  var inspector = document.getElementById('inspector');
  var form = document.getElementById('inspector-form');
  if (!sheet || !grid || !inspector || !form || !window.fetch) return;

  var FIELDS = ['AltText', 'Caption', 'Credit', 'Agency', 'Decorative', 'FocalX', 'FocalY'];
  var token = form.querySelector('input[name=__RequestVerificationToken]').value;
  var codes = {};
  try { codes = JSON.parse(inspector.getAttribute('data-codes') || '{}'); } catch (e) { codes = {}; }
  var statusEl = document.getElementById('inspector-status');
  var countEl = document.getElementById('sheet-count');
  var shortcuts = document.getElementById('shortcuts');
  var selectionForm = document.getElementById('sheet-selection');
  var base = location.pathname;
  var filter = new URLSearchParams(location.search).get('filter') || '';
  var selected = new Set();
  var current = null; // the cell the inspector shows
  var anchor = null;  // where a Shift range starts
  var shown = {};     // what the inspector showed for each field (a field is "changed" when its input differs)

  function url(handler, extra) {
    var q = new URLSearchParams();
    if (filter) q.set('filter', filter);
    q.set('handler', handler);
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    return base + '?' + q.toString();
  }
  function cells() { return Array.prototype.slice.call(grid.querySelectorAll('.sheet-cell')); }
  function cellById(id) { return document.getElementById('photo-' + id); }
  function key(f) { return f.toLowerCase(); } // data-alttext … data-focaly
  function input(f) { return form.querySelector('[data-field="' + f + '"]'); }
  function valueOf(f) {
    var el = input(f);
    if (!el) return null;
    return el.type === 'checkbox' ? (el.checked ? 'true' : 'false') : el.value.trim();
  }
  function say(text, isConflict) {
    statusEl.textContent = text || '';
    statusEl.classList.toggle('conflict', !!isConflict);
  }

  function post(handler, data, extra) {
    var body = new FormData();
    body.append('__RequestVerificationToken', token);
    Object.keys(data).forEach(function (k) {
      [].concat(data[k]).forEach(function (v) { body.append(k, v); });
    });
    return fetch(url(handler, extra), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'RequestVerificationToken': token }
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: 'The server answered ' + r.status + '.' }; });
    });
  }

  // ---- code replacement preview ----
  var CODE = /=([\p{L}\p{N}_.\-]{1,40})=/gu;
  function preview(f) {
    var out = form.querySelector('[data-preview="' + f + '"]');
    var el = input(f);
    if (!out || !el) return;
    out.textContent = '';
    if (!CODE.test(el.value)) return;
    CODE.lastIndex = 0;
    out.appendChild(document.createTextNode('→ '));
    var last = 0;
    el.value.replace(CODE, function (m, code, at) {
      out.appendChild(document.createTextNode(el.value.slice(last, at)));
      var known = Object.prototype.hasOwnProperty.call(codes, code.toLowerCase());
      if (known) out.appendChild(document.createTextNode(codes[code.toLowerCase()]));
      else {
        var mark = document.createElement('mark');
        mark.className = 'unknown';
        mark.title = 'Unknown code: left as typed';
        mark.textContent = m;
        out.appendChild(mark);
      }
      last = at + m.length;
      return m;
    });
    out.appendChild(document.createTextNode(el.value.slice(last)));
  }
  ['AltText', 'Caption', 'Credit'].forEach(function (f) {
    var el = input(f);
    if (el) el.addEventListener('input', function () { preview(f); });
  });

  // ---- selection and the inspector ----
  function render() {
    cells().forEach(function (c) {
      var on = selected.has(c.getAttribute('data-id'));
      c.classList.toggle('selected', on);
      c.classList.toggle('current', c === current);
      var box = c.querySelector('input[type=checkbox]');
      if (box) box.checked = on;
    });
    countEl.textContent = selected.size === 0 ? 'Nothing selected.' : selected.size + ' selected.';
    fill();
  }

  function setAction(selector, handler, id) {
    var f = inspector.querySelector(selector);
    if (f) f.action = url(handler, { photo: id });
  }

  function fill() {
    var chosen = cells().filter(function (c) { return selected.has(c.getAttribute('data-id')); });
    if (!current && chosen.length) current = chosen[0];
    if (!current) return;
    var many = chosen.length > 1;
    var id = current.getAttribute('data-id');
    inspector.querySelector('.inspector-what').textContent = many ? chosen.length + ' photos selected' : 'Photo ' + current.getAttribute('data-n');
    var file = inspector.querySelector('.inspector-file');
    if (file) { file.textContent = many ? '' : current.getAttribute('data-file'); file.href = '/studio/photos/' + id; }
    var img = inspector.querySelector('.inspector-thumb img');
    if (img && current.getAttribute('data-thumb')) img.src = current.getAttribute('data-thumb');
    FIELDS.forEach(function (f) {
      var el = input(f);
      if (!el) return;
      var values = (many ? chosen : [current]).map(function (c) { return c.getAttribute('data-' + key(f)) || ''; });
      var same = values.every(function (v) { return v === values[0]; });
      var v = same ? values[0] : '';
      shown[f] = v;
      if (el.type === 'checkbox') el.checked = v === 'true';
      else { el.value = v; el.placeholder = same ? '' : 'Mixed: type to set on all ' + chosen.length; }
      var alt = f === 'AltText' || f === 'Decorative';
      el.disabled = many && alt;
      if (many && alt && el.type !== 'checkbox') el.placeholder = 'Alt text is written photo by photo: one description for many pictures helps no blind reader.';
      preview(f);
    });
    form.action = url('savePhoto', { photo: id });
    var next = form.querySelector('button[formaction]');
    if (next) next.setAttribute('formaction', url('savePhoto', { photo: id, next: 'true' }));
    var published = current.getAttribute('data-published') === 'true';
    var pub = inspector.querySelector('form[data-command=publish-one]');
    if (pub) {
      pub.action = url(published ? 'unpublish' : 'publish', { photo: id });
      pub.querySelector('button').textContent = published ? 'Unpublish' : 'Publish';
    }
    var state = inspector.querySelector('.inspector-state');
    if (state) state.textContent = published ? 'Published' : 'Unpublished';
    setAction('#move-to', 'moveTo', id);
    var pos = document.getElementById('move-position');
    if (pos) pos.value = current.getAttribute('data-n');
    inspector.querySelectorAll('.inspector-commands form:not([data-command]):not(#move-to)').forEach(function (f) {
      f.action = f.action.replace(/([?&]photo=)\d+/, '$1' + id);
    });
  }

  function choose(cell, how) {
    var list = cells();
    var id = cell.getAttribute('data-id');
    if (how === 'range' && anchor) {
      var a = list.indexOf(anchor), b = list.indexOf(cell);
      if (a < 0) a = b;
      selected.clear();
      list.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (c) { selected.add(c.getAttribute('data-id')); });
    } else if (how === 'toggle') {
      if (selected.has(id)) selected.delete(id); else selected.add(id);
      anchor = cell;
    } else {
      selected.clear();
      selected.add(id);
      anchor = cell;
    }
    current = cell;
    say('');
    render();
  }

  function focusCell(cell) {
    var a = cell && cell.querySelector('.sheet-thumb');
    if (a) { a.focus(); cell.scrollIntoView({ block: 'nearest' }); }
  }

  function columns() {
    var list = cells();
    if (list.length === 0) return 1;
    var top = list[0].offsetTop, n = 0;
    while (n < list.length && list[n].offsetTop === top) n++;
    return Math.max(1, n);
  }

  grid.addEventListener('click', function (e) {
    var cell = e.target.closest('.sheet-cell');
    if (!cell) return;
    if (e.target.matches('input[type=checkbox]')) { choose(cell, 'toggle'); return; }
    if (!e.target.closest('.sheet-thumb')) return;
    e.preventDefault();
    choose(cell, e.shiftKey ? 'range' : (e.ctrlKey || e.metaKey) ? 'toggle' : 'one');
    focusCell(cell);
  });

  grid.addEventListener('keydown', function (e) {
    var cell = e.target.closest('.sheet-cell');
    if (!cell || e.target.matches('input')) return;
    var list = cells(), i = list.indexOf(cell), step = 0;
    if (e.key === 'ArrowLeft') step = -1;
    else if (e.key === 'ArrowRight') step = 1;
    else if (e.key === 'ArrowUp') step = -columns();
    else if (e.key === 'ArrowDown') step = columns();
    if (step !== 0) {
      e.preventDefault();
      if (e.altKey) { moveBy(cell, step > 0 ? 1 : -1); return; }
      var to = list[Math.min(list.length - 1, Math.max(0, i + step))];
      if (!anchor) anchor = cell;
      choose(to, e.shiftKey ? 'range' : 'one');
      if (e.shiftKey) current = to;
      focusCell(to);
      return;
    }
    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      if (!selected.has(cell.getAttribute('data-id'))) choose(cell, 'one');
      var alt = input('AltText');
      (alt && !alt.disabled ? alt : input('Caption')).focus();
    } else if (e.key === ' ') {
      e.preventDefault();
      choose(cell, 'toggle');
    }
  });

  // ---- saving ----
  function applyPhoto(p) {
    var cell = p && cellById(p.id);
    if (!cell) return;
    FIELDS.forEach(function (f) { cell.setAttribute('data-' + key(f), p.fields[f] == null ? '' : p.fields[f]); });
    cell.setAttribute('data-published', p.published ? 'true' : 'false');
    var ul = cell.querySelector('.badges');
    ul.textContent = '';
    p.badges.forEach(function (b) {
      var li = document.createElement('li');
      li.className = 'b b-' + b.kind;
      li.title = b.label;
      var s = document.createElement('span');
      s.setAttribute('aria-hidden', 'true');
      s.textContent = b.short;
      var sr = document.createElement('span');
      sr.className = 'sr-only';
      sr.textContent = b.label;
      li.appendChild(s);
      li.appendChild(sr);
      ul.appendChild(li);
    });
  }

  function save(goNext) {
    var chosen = cells().filter(function (c) { return selected.has(c.getAttribute('data-id')); });
    if (chosen.length <= 1) chosen = current ? [current] : [];
    var changed = FIELDS.filter(function (f) { var el = input(f); return el && !el.disabled && valueOf(f) !== shown[f]; });
    if (changed.length === 0) {
      say('Nothing changed.');
      if (goNext) next();
      return Promise.resolve();
    }
    say('Saving…');
    var typed = {};
    changed.forEach(function (f) { typed[f] = valueOf(f); });
    return chosen.reduce(function (chain, cell) {
      return chain.then(function (messages) {
        var data = {};
        changed.forEach(function (f) {
          data['Inspector.' + f] = typed[f];
          data['Inspector.Original' + f] = cell.getAttribute('data-' + key(f)) || '';
        });
        return post('savePhoto', data, { photo: cell.getAttribute('data-id') }).then(function (r) {
          if (r.photo) applyPhoto(r.photo);
          if (r.conflicts && r.conflicts.length) {
            // Theirs becomes the original, so saving again replaces it; what was typed stays in the inspector.
            r.conflicts.forEach(function (c) { cell.setAttribute('data-' + key(c.field), c.theirs == null ? '' : c.theirs); });
          }
          messages.push(r);
          return messages;
        });
      });
    }, Promise.resolve([])).then(function (results) {
      var bad = results.filter(function (r) { return !r.ok; });
      if (bad.length) {
        say(bad.map(function (r) { return r.message; }).join(' '), true);
        changed.forEach(function (f) { if (!bad.some(function (r) { return (r.conflicts || []).some(function (c) { return c.field === f; }); })) shown[f] = typed[f]; });
        return;
      }
      var done = results.length === 1 ? results[0].message : 'Saved ' + results.length + ' photos.' + results.filter(function (r) { return r.unknown && r.unknown.length; }).map(function (r) { return ' ' + r.message; }).join('');
      say(done);
      var last = results[results.length - 1];
      if (goNext && last.photo && last.photo.next && cellById(last.photo.next)) {
        choose(cellById(last.photo.next), 'one');
        say(done);
        var alt = input('AltText');
        if (cellById(last.photo.next).getAttribute('data-alttext') === '' && alt) alt.focus(); else focusCell(current);
      } else {
        var keepFocus = document.activeElement;
        fill();
        if (keepFocus && keepFocus.focus) keepFocus.focus();
      }
    });
  }

  function next() {
    var list = cells(), i = list.indexOf(current);
    var rest = list.slice(i + 1).concat(list.slice(0, Math.max(i, 0)));
    var todo = rest.filter(function (c) { return c.querySelector('.b-alt, .b-credit, .b-unpublished'); })[0];
    if (todo) { choose(todo, 'one'); input('AltText').focus(); }
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    save(!!(e.submitter && e.submitter.hasAttribute('formaction')));
  });
  form.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(true); }
  });
  inspector.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { e.preventDefault(); focusCell(current); }
  });

  // ---- commands on the selection (publish, unpublish, move) ----
  function ids() {
    var list = Array.from(selected);
    return list.length ? list : current ? [current.getAttribute('data-id')] : [];
  }

  function refresh(message, isProblem) {
    return fetch(url('cells', current ? { photo: current.getAttribute('data-id') } : {}), { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var id = current && current.getAttribute('data-id');
        grid.innerHTML = html;
        current = id ? cellById(id) : null;
        Array.from(selected).forEach(function (s) { if (!cellById(s)) selected.delete(s); });
        render();
        if (message) say(message, isProblem);
      });
  }

  function command(handler, extra, data) {
    say('Working…');
    return post(handler, data || { Selection: ids() }, extra).then(function (r) {
      var text = r.message + (r.problems && r.problems.length ? ' ' + r.problems.join(' ') : '');
      return refresh(text, !r.ok);
    });
  }

  function moveBy(cell, by) {
    var to = parseInt(cell.getAttribute('data-n'), 10) + by;
    if (to < 1) return;
    current = cell;
    command('moveTo', { photo: cell.getAttribute('data-id') }, { position: String(to) }).then(function () { focusCell(current); });
  }

  var moveForm = document.getElementById('move-to');
  if (moveForm) moveForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var pos = document.getElementById('move-position').value;
    command('moveTo', { photo: current.getAttribute('data-id') }, { position: pos }).then(function () { focusCell(current); });
  });
  var pubOne = inspector.querySelector('form[data-command=publish-one]');
  if (pubOne) pubOne.addEventListener('submit', function (e) {
    e.preventDefault();
    var published = current.getAttribute('data-published') === 'true';
    command(published ? 'unpublish' : 'publish', { photo: current.getAttribute('data-id') }, {});
  });
  if (selectionForm) selectionForm.addEventListener('submit', function (e) {
    var action = e.submitter && e.submitter.getAttribute('formaction') || '';
    var m = /handler=(publishSelected|unpublishSelected)/.exec(action);
    if (!m) return; // templates and "Publish all ready" post the form as usual
    e.preventDefault();
    command(m[1]);
  });
  grid.addEventListener('change', function (e) {
    if (!e.target.matches('input[type=checkbox]')) return;
    var cell = e.target.closest('.sheet-cell');
    var id = cell.getAttribute('data-id');
    if (e.target.checked) selected.add(id); else selected.delete(id);
    render();
  });

  document.addEventListener('keydown', function (e) {
    var t = e.target;
    var typing = t.matches && t.matches('input:not([type=checkbox]), textarea, select, [contenteditable]');
    if (typing) return;
    if ((e.ctrlKey || e.metaKey) && (e.key === 'a' || e.key === 'A')) {
      e.preventDefault();
      cells().forEach(function (c) { selected.add(c.getAttribute('data-id')); });
      render();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'p' || e.key === 'P') { e.preventDefault(); command('publishSelected'); }
    else if (e.key === 'u' || e.key === 'U') { e.preventDefault(); command('unpublishSelected'); }
    else if (e.key === 'm' || e.key === 'M') { var pos = document.getElementById('move-position'); if (pos) { e.preventDefault(); pos.focus(); pos.select(); } }
    else if (e.key === '?') { e.preventDefault(); shortcuts.open = !shortcuts.open; if (shortcuts.open) { shortcuts.scrollIntoView({ block: 'nearest' }); shortcuts.querySelector('summary').focus(); } }
    else if (e.key === 'Escape' && shortcuts.open) { shortcuts.open = false; focusCell(current); }
  });

  // ---- focal point: click the inspector's picture ----
  var thumb = inspector.querySelector('.inspector-thumb');
  var img = thumb && thumb.querySelector('img');
  if (img) img.addEventListener('click', function (e) {
    // The picture is letterboxed (object-fit: contain): measure the drawn image, not the box.
    var box = img.getBoundingClientRect();
    var ratio = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
    var w = img.naturalWidth * ratio, h = img.naturalHeight * ratio;
    var left = box.left + (box.width - w) / 2, top = box.top + (box.height - h) / 2;
    var fx = Math.min(1, Math.max(0, (e.clientX - left) / w)), fy = Math.min(1, Math.max(0, (e.clientY - top) / h));
    input('FocalX').value = String(Math.round(fx * 1000) / 10);
    input('FocalY').value = String(Math.round(fy * 1000) / 10);
    var dot = thumb.querySelector('.focal-dot circle');
    if (dot) {
      dot.setAttribute('cx', ((left - box.left + fx * w) / box.width * 100) + '%');
      dot.setAttribute('cy', ((top - box.top + fy * h) / box.height * 100) + '%');
    }
    say('Focal point set: press Save to re-render the crops.');
  });

  // ---- start: the whole show in one grid ----
  current = grid.querySelector('.sheet-cell.current') || grid.querySelector('.sheet-cell');
  if (current) { selected.add(current.getAttribute('data-id')); anchor = current; }
  // Keyboard first: unless something already has the focus (the inspector's alt text when a photo was asked for), the
  // sheet has it when the page opens, without scrolling (a message at the top stays in view).
  function focusOnOpen() {
    var a = current && current.querySelector('.sheet-thumb');
    if (a && (!document.activeElement || document.activeElement === document.body) && !location.hash) a.focus({ preventScroll: true });
  }
  var pager = sheet.querySelector('.pager');
  if (pager) {
    refresh().then(function () { pager.remove(); grid.setAttribute('data-loaded', 'all'); focusOnOpen(); });
  } else {
    grid.setAttribute('data-loaded', 'all');
    render();
    focusOnOpen();
  }
})();
