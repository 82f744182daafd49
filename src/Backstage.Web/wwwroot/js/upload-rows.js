// One file's line in an upload list: its name, a progress bar labelled with the name, and a message. Shared by
// gallery-upload.js and ingest-upload.js; a page includes this script before them (deferred scripts run in order).
window.BackstageUploadRow = function (list, name) {
  'use strict';
  var li = document.createElement('li');
  var label = document.createElement('span');
  label.className = 'name';
  label.textContent = name;
  var bar = document.createElement('progress');
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute('aria-label', name);
  var msg = document.createElement('span');
  msg.className = 'message';
  li.appendChild(label);
  li.appendChild(bar);
  li.appendChild(msg);
  list.appendChild(li);
  return { li: li, bar: bar, msg: msg };
};
