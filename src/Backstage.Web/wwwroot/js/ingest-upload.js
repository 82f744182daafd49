// Newsroom ingest: photos, ZIPs and camera-card folders through the resumable chunk protocol (docs/galleries.md, "Ingest").
// Without JavaScript the form posts everything at once. Here each file is hashed (SHA-256, incrementally), created,
// sent in chunks at the offset the server confirms, and completed; when the connection drops, the file waits until the
// browser is online, asks the server where it stands and continues from there. Three files travel at once.
(function () {
  'use strict';
  var form = document.getElementById('ingest-form');
  if (!form || !window.XMLHttpRequest || !window.fetch || !window.Blob || !Blob.prototype.arrayBuffer) return;
  var filesInput = document.getElementById('ingest-files');
  var folderInput = document.getElementById('ingest-folder');
  var zone = document.getElementById('ingest-dropzone');
  var list = document.getElementById('ingest-progress');
  var overall = document.getElementById('ingest-overall');
  var overallBar = document.getElementById('ingest-overall-bar');
  var overallText = document.getElementById('ingest-overall-text');
  var retryButton = document.getElementById('ingest-retry');
  var orderSelect = document.getElementById('ingest-order');
  var token = form.querySelector('input[name="__RequestVerificationToken"]').value;
  var createUrl = form.getAttribute('data-create-url');
  // Read per chunk: the server's limit, which a page may lower (smaller chunks resume sooner on bad wifi).
  function chunkBytes() { return parseInt(form.getAttribute('data-chunk-bytes'), 10); }
  var parallel = 3;
  var raw = /\.(cr2|cr3|crw|nef|nrw|arw|srf|sr2|raf|orf|rw2|dng|pef|srw|raw|3fr|iiq|x3f)$/i;
  var system = /^(\.ds_store|thumbs\.db|desktop\.ini|ehthumbs\.db)$|^\._/i;
  var orders = { AsShot: 0, FileName: 1, Manual: 2 };

  document.querySelectorAll('.ingest-folder').forEach(function (el) { el.hidden = false; });

  // ---- SHA-256 over slices, so a 4 GB ZIP is never held in memory (and it works outside secure contexts) ----
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

  function Sha256() {
    this.h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.w = new Uint32Array(64);
    this.tail = new Uint8Array(64);
    this.tailLength = 0;
    this.length = 0;
  }
  Sha256.prototype.block = function (b, o) {
    var w = this.w, h = this.h, i, t1, t2, x, y;
    for (i = 0; i < 16; i++) w[i] = (b[o + 4 * i] << 24) | (b[o + 4 * i + 1] << 16) | (b[o + 4 * i + 2] << 8) | b[o + 4 * i + 3];
    for (i = 16; i < 64; i++) {
      x = w[i - 15]; y = w[i - 2];
      w[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w[i - 7] +
        (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + w[i - 16];
    }
    var a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (i = 0; i < 64; i++) {
      t1 = (hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  };
  Sha256.prototype.update = function (bytes) {
    var i = 0;
    this.length += bytes.length;
    if (this.tailLength > 0) {
      while (this.tailLength < 64 && i < bytes.length) this.tail[this.tailLength++] = bytes[i++];
      if (this.tailLength < 64) return;
      this.block(this.tail, 0);
      this.tailLength = 0;
    }
    for (; i + 64 <= bytes.length; i += 64) this.block(bytes, i);
    while (i < bytes.length) this.tail[this.tailLength++] = bytes[i++];
  };
  Sha256.prototype.hex = function () {
    var bits = this.length * 8, pad = new Uint8Array(((this.tailLength < 56 ? 56 : 120) - this.tailLength) + 8);
    pad[0] = 0x80;
    for (var i = 0; i < 8; i++) pad[pad.length - 1 - i] = Math.floor(bits / Math.pow(2, 8 * i)) & 0xff;
    this.update(pad);
    var out = '';
    for (var j = 0; j < 8; j++) out += ('00000000' + this.h[j].toString(16)).slice(-8);
    return out;
  };

  function hashFile(item) {
    var sha = new Sha256(), at = 0, step = 4 * 1024 * 1024;
    function next() {
      if (at >= item.file.size) return Promise.resolve(sha.hex());
      return item.file.slice(at, at + step).arrayBuffer().then(function (buf) {
        sha.update(new Uint8Array(buf));
        at += buf.byteLength;
        show(item, 'Checking ' + Math.round(at * 100 / item.file.size) + '%');
        return next();
      });
    }
    return next();
  }

  // ---- state and rendering ----
  var items = [], running = 0, startedAt = 0, sentSinceStart = 0, batch = null;

  function row(name) { return window.BackstageUploadRow(list, name); }

  function show(item, text, state) {
    item.ui.msg.textContent = text;
    if (state) item.ui.li.className = state;
  }

  function setProgress(item, confirmed) {
    item.confirmed = confirmed;
    item.ui.bar.value = item.file.size ? Math.round(confirmed * 100 / item.file.size) : 100;
    updateOverall();
  }

  function human(seconds) {
    if (!isFinite(seconds)) return '';
    if (seconds < 60) return Math.max(1, Math.round(seconds)) + ' s';
    return Math.round(seconds / 60) + ' min';
  }

  function updateOverall() {
    var total = 0, confirmed = 0, done = 0, failed = 0;
    items.forEach(function (i) {
      if (i.skip) return;
      total += i.file.size;
      confirmed += i.state === 'done' ? i.file.size : (i.confirmed || 0);
      if (i.state === 'done') done++;
      if (i.state === 'failed') failed++;
    });
    var count = items.filter(function (i) { return !i.skip; }).length;
    overallBar.value = total ? Math.round(confirmed * 100 / total) : 100;
    var text = done + ' of ' + count + ' files done';
    if (failed) text += ', ' + failed + ' failed';
    var elapsed = (Date.now() - startedAt) / 1000;
    if (!navigator.onLine) text += ' — offline, waiting for the connection';
    else if (done + failed < count && sentSinceStart > 0 && elapsed > 2) text += ' — about ' + human((total - confirmed) / (sentSinceStart / elapsed)) + ' left';
    overallText.textContent = text;
    retryButton.hidden = failed === 0 || running > 0;
  }

  // ---- the protocol ----
  function request(method, url, body, offset, onProgress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader('RequestVerificationToken', token);
      xhr.setRequestHeader('Accept', 'application/json');
      if (offset !== undefined) xhr.setRequestHeader('Upload-Offset', String(offset));
      if (typeof body === 'string') xhr.setRequestHeader('Content-Type', 'application/json');
      if (onProgress) xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
      xhr.onload = function () {
        var json = {};
        try { json = JSON.parse(xhr.responseText || '{}'); } catch (err) { json = {}; }
        resolve({ status: xhr.status, json: json });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { resolve({ status: 0, json: {} }); };
      xhr.send(body === undefined ? null : body);
    });
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function whenOnline() {
    if (navigator.onLine) return Promise.resolve();
    return new Promise(function (r) { window.addEventListener('online', function on() { window.removeEventListener('online', on); r(); }); });
  }

  // Network trouble (status 0 or 5xx): wait for the connection, back off, ask the server for the confirmed offset.
  function recover(item, attempt) {
    show(item, navigator.onLine ? 'Connection lost, retrying…' : 'Offline, will resume', 'waiting');
    updateOverall();
    return whenOnline().then(function () { return wait(Math.min(15000, 500 * Math.pow(2, attempt))); }).then(function () {
      return request('GET', '/studio/ingest/uploads/' + item.id);
    }).then(function (r) {
      if (r.status === 200) return r.json.offset;
      if (r.status === 404) { item.id = null; return null; }
      return recover(item, attempt + 1);
    });
  }

  function finish(item, results) {
    var first = results && results[0];
    var ok = results && results.some(function (r) { return r.ok; });
    show(item, results && results.length === 1 ? first.message : (results || []).map(function (r) { return r.message; }).join(' · '),
      ok ? 'ok' : 'refused');
    item.state = ok || (first && first.photoId) ? 'done' : 'failed';
    if (item.state === 'done') setProgress(item, item.file.size);
  }

  function fail(item, message) {
    item.state = 'failed';
    show(item, item.name + ': ' + (message || 'upload failed'), 'refused');
  }

  function create(item) {
    var body = JSON.stringify({ name: item.name, size: item.file.size, sha256: item.sha, batch: batch, order: orders[orderSelect.value] || 0, sidecar: item.sidecar });
    return request('POST', createUrl, body).then(function (r) {
      if (r.status === 200 && r.json.results) { finish(item, r.json.results); return null; }
      if (r.status === 200 || r.status === 201) { item.id = r.json.id; return r.json.offset; }
      if (r.status === 0 || r.status >= 500) return whenOnline().then(function () { return wait(1000); }).then(function () { return create(item); });
      fail(item, r.json.message ? r.json.message.replace(item.name + ': ', '') : 'refused (' + r.status + ')');
      return null;
    });
  }

  function sendFrom(item, offset, attempt) {
    if (offset === null || item.state !== 'running') return Promise.resolve();
    if (!item.id) return create(item).then(function (o) { return sendFrom(item, o, 0); });
    if (offset >= item.file.size) return complete(item, attempt);
    var end = Math.min(item.file.size, offset + chunkBytes());
    show(item, 'Uploading');
    return request('PUT', '/studio/ingest/uploads/' + item.id, item.file.slice(offset, end), offset, function (loaded) {
      item.ui.bar.value = Math.round((offset + loaded) * 100 / item.file.size);
    }).then(function (r) {
      if (r.status === 200) {
        sentSinceStart += r.json.offset - offset;
        setProgress(item, r.json.offset);
        return sendFrom(item, r.json.offset, 0);
      }
      if (r.status === 409 && typeof r.json.offset === 'number') return sendFrom(item, r.json.offset, 0);
      if (r.status === 404) { item.id = null; return sendFrom(item, 0, 0); }
      if (r.status === 0 || r.status >= 500 || r.status === 400) return recover(item, attempt).then(function (o) { return sendFrom(item, o === null ? 0 : o, attempt + 1); });
      fail(item, r.json.message || 'refused (' + r.status + ')');
    });
  }

  // The server finishes the file as a job: complete answers 202 with the status URL, polled until Done or Failed.
  function complete(item, attempt) {
    show(item, 'Checking on the server');
    return request('POST', '/studio/ingest/uploads/' + item.id + '/complete').then(function (r) {
      if (r.status === 200 && (r.json.state === 'Done' || r.json.state === 'Failed')) return finish(item, r.json.results);
      if (r.status === 202) return poll(item, r.json.statusUrl || '/studio/ingest/uploads/' + item.id, 0);
      if (r.status === 409 && typeof r.json.offset === 'number') return sendFrom(item, r.json.offset, 0);
      if (r.status === 0 || r.status >= 500) return recover(item, attempt).then(function () { return complete(item, attempt + 1); });
      fail(item, r.json.message ? r.json.message.replace(item.name + ': ', '') : 'refused (' + r.status + ')');
    });
  }

  function poll(item, url, attempt) {
    show(item, 'Adding to the gallery');
    return wait(Math.min(5000, 1000 + 250 * attempt)).then(function () { return request('GET', url); }).then(function (r) {
      if (r.status === 200 && (r.json.state === 'Done' || r.json.state === 'Failed')) return finish(item, r.json.results);
      if (r.status === 200) return poll(item, url, attempt + 1);
      if (r.status === 404) { item.id = null; return sendFrom(item, 0, 0); }
      if (r.status === 0 || r.status >= 500) return whenOnline().then(function () { return poll(item, url, attempt + 1); });
      fail(item, r.json.message || 'refused (' + r.status + ')');
    });
  }

  function run(item) {
    running++;
    item.state = 'running';
    item.confirmed = 0;
    show(item, 'Checking', '');
    var start = item.sha ? Promise.resolve(item.sha) : hashFile(item);
    return start.then(function (sha) { item.sha = sha; return create(item); })
      .then(function (offset) { return sendFrom(item, offset, 0); })
      .catch(function (err) { fail(item, 'could not be read (' + err + ')'); })
      .then(function () { running--; updateOverall(); pump(); });
  }

  function pump() {
    while (running < parallel) {
      var next = items.filter(function (i) { return i.state === 'queued'; })[0];
      if (!next) break;
      run(next);
    }
    if (running === 0 && items.every(function (i) { return i.skip || i.state === 'done' || i.state === 'failed'; })) {
      updateOverall();
      if (items.some(function (i) { return i.state === 'done'; }) && !document.getElementById('ingest-review-link')) {
        var li = document.createElement('li');
        var link = document.createElement('a');
        link.id = 'ingest-review-link';
        link.href = window.location.pathname;
        link.textContent = 'Review the new photos';
        li.appendChild(link);
        list.appendChild(li);
      }
    }
  }

  function keyOf(path) {
    var p = path.replace(/\.xmp$/i, '');
    var slash = p.lastIndexOf('/');
    var dir = p.slice(0, slash + 1), file = p.slice(slash + 1);
    var dot = file.indexOf('.');
    return (dir + (dot > 0 ? file.slice(0, dot) : file)).toLowerCase();
  }

  function add(fileList) {
    var files = Array.prototype.slice.call(fileList || []);
    if (files.length === 0) return;
    if (!batch || items.every(function (i) { return i.skip || i.state === 'done' || i.state === 'failed'; })) {
      batch = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : null;
      startedAt = Date.now();
      sentSinceStart = 0;
    }
    overall.hidden = false;
    var sidecars = {};
    files.forEach(function (f) { if (/\.xmp$/i.test(f.name)) sidecars[keyOf(f.webkitRelativePath || f.name)] = f; });
    var reads = files.filter(function (f) { return !/\.xmp$/i.test(f.name); }).map(function (f) {
      var path = f.webkitRelativePath || f.name;
      var item = { file: f, name: f.name, ui: row(path), state: 'queued', id: null, sha: null, sidecar: null };
      items.push(item);
      if (system.test(f.name)) { item.skip = true; item.state = 'skipped'; show(item, path + ': skipped, a system file', 'skipped'); return null; }
      if (raw.test(f.name)) { item.skip = true; item.state = 'skipped'; show(item, path + ': skipped, a camera RAW file (upload the JPEG)', 'skipped'); return null; }
      var xmp = sidecars[keyOf(path)];
      if (!xmp) return null;
      delete sidecars[keyOf(path)];
      return xmp.text().then(function (t) { item.sidecar = t; });
    });
    Object.keys(sidecars).forEach(function (k) {
      var s = sidecars[k];
      var item = { file: s, name: s.name, ui: row(s.webkitRelativePath || s.name), skip: true, state: 'skipped' };
      items.push(item);
      show(item, (s.webkitRelativePath || s.name) + ': skipped, a sidecar without its photo', 'skipped');
    });
    Promise.all(reads).then(function () { updateOverall(); pump(); });
  }

  form.addEventListener('submit', function (e) {
    var chosen = [].concat(Array.prototype.slice.call(filesInput.files || []), Array.prototype.slice.call((folderInput && folderInput.files) || []));
    if (chosen.length === 0) return;
    e.preventDefault();
    add(chosen);
    filesInput.value = '';
    if (folderInput) folderInput.value = '';
  });
  retryButton.addEventListener('click', function () {
    items.forEach(function (i) { if (i.state === 'failed') { i.state = 'queued'; i.id = null; } });
    startedAt = Date.now();
    sentSinceStart = 0;
    pump();
  });
  window.addEventListener('offline', updateOverall);
  window.addEventListener('online', updateOverall);
  ['dragenter', 'dragover'].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add('dragging'); });
  });
  ['dragleave', 'drop'].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove('dragging'); });
  });
  zone.addEventListener('drop', function (e) { if (e.dataTransfer) add(e.dataTransfer.files); });
})();
