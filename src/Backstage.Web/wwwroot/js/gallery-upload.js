// Gallery upload enhancement: drag-and-drop and per-file progress. Without JS the form posts all files at once.
// Files go one by one to the same handler (?handler=upload) with XMLHttpRequest; the antiforgery token travels as a form field.
(function () {
  'use strict';
  var form = document.getElementById('gallery-upload-form');
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = document.getElementById('gallery-files');
  var zone = document.getElementById('gallery-dropzone');
  var list = document.getElementById('gallery-upload-progress');
  var token = form.querySelector('input[name="__RequestVerificationToken"]');
  var busy = false;

  function row(name) { return window.BackstageUploadRow(list, name); }

  function send(file, ui) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append('files', file, file.name);
      if (token) data.append('__RequestVerificationToken', token.value);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      if (token) xhr.setRequestHeader('RequestVerificationToken', token.value);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) ui.bar.value = Math.round(e.loaded * 100 / e.total); };
      xhr.onload = function () {
        ui.bar.value = 100;
        var ok = false, text;
        if (xhr.status === 413) text = file.name + ': larger than this site accepts';
        else {
          try {
            var r = JSON.parse(xhr.responseText).results[0];
            ok = r.ok;
            text = r.message;
          } catch (err) { text = file.name + ': upload failed (' + xhr.status + ')'; }
        }
        ui.msg.textContent = text;
        ui.li.className = ok ? 'ok' : 'refused';
        resolve(ok);
      };
      xhr.onerror = function () { ui.msg.textContent = file.name + ': network error, try again'; ui.li.className = 'refused'; resolve(false); };
      xhr.send(data);
    });
  }

  function uploadAll(files) {
    if (busy || !files || files.length === 0) return;
    busy = true;
    list.textContent = '';
    var queue = Array.prototype.slice.call(files).map(function (f) { return { file: f, ui: row(f.name) }; });
    var any = false;
    var next = function () {
      var item = queue.shift();
      if (!item) {
        busy = false;
        if (any) {
          var more = document.createElement('li');
          var link = document.createElement('a');
          link.href = window.location.pathname;
          link.textContent = 'Show the new photos';
          more.appendChild(link);
          list.appendChild(more);
        }
        return;
      }
      send(item.file, item.ui).then(function (ok) { any = any || ok; next(); });
    };
    next();
  }

  form.addEventListener('submit', function (e) {
    if (!input.files || input.files.length === 0) return;
    e.preventDefault();
    uploadAll(input.files);
  });
  ['dragenter', 'dragover'].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add('dragging'); });
  });
  ['dragleave', 'drop'].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove('dragging'); });
  });
  zone.addEventListener('drop', function (e) { if (e.dataTransfer) uploadAll(e.dataTransfer.files); });
})();
