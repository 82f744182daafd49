// Gallery editor enhancement: click a thumbnail to set the focal point (fills the x/y % inputs; "Save all" applies it).
(function () {
  'use strict';
  document.querySelectorAll('.photo-card').forEach(function (card) {
    var thumb = card.querySelector('.photo-thumb');
    var img = thumb && thumb.querySelector('img');
    var x = card.querySelector('input[name$=".FocalX"]');
    var y = card.querySelector('input[name$=".FocalY"]');
    var dot = card.querySelector('.focal-dot circle');
    if (!img || !x || !y) return;
    thumb.classList.add('focal-pickable');
    thumb.title = 'Click to set the focal point used for crops';
    img.addEventListener('click', function (e) {
      // The image is letterboxed (object-fit: contain): measure the drawn picture, not the box.
      var box = img.getBoundingClientRect();
      var ratio = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
      var w = img.naturalWidth * ratio, h = img.naturalHeight * ratio;
      var left = box.left + (box.width - w) / 2, top = box.top + (box.height - h) / 2;
      var fx = Math.min(1, Math.max(0, (e.clientX - left) / w));
      var fy = Math.min(1, Math.max(0, (e.clientY - top) / h));
      x.value = (Math.round(fx * 1000) / 10).toString();
      y.value = (Math.round(fy * 1000) / 10).toString();
      if (dot) {
        dot.setAttribute('cx', ((left - box.left + fx * w) / box.width * 100) + '%');
        dot.setAttribute('cy', ((top - box.top + fy * h) / box.height * 100) + '%');
      }
    });
  });
})();

// Drag a card by its picture to reorder the gallery. The cards' field names are renumbered in their new order,
// so "Save all" (or any button of the form) stores it; the Up/Down buttons still work for keyboards and without JavaScript.
(function () {
  'use strict';
  var grid = document.querySelector('.photo-grid');
  if (!grid || !('draggable' in document.createElement('li'))) return;
  var status = document.getElementById('gallery-order-status');
  var dragged = null;

  function renumber() {
    grid.querySelectorAll('.photo-card').forEach(function (card, i) {
      card.querySelectorAll('[name^="Items["]').forEach(function (field) {
        field.name = field.name.replace(/^Items\[\d+\]/, 'Items[' + i + ']');
      });
      var number = card.querySelector('.photo-head strong');
      if (number) number.textContent = (i + 1) + '.';
    });
    if (status) status.textContent = 'New order not saved yet: press "Save all" to keep it.';
  }

  grid.querySelectorAll('.photo-card').forEach(function (card) {
    var handle = card.querySelector('.photo-thumb');
    if (!handle) return;
    handle.setAttribute('draggable', 'true');
    handle.title = (handle.title ? handle.title + '; ' : '') + 'drag to reorder';
    handle.addEventListener('dragstart', function (e) {
      dragged = card;
      card.classList.add('dragging');
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', card.dataset.photoId || '');
    });
    handle.addEventListener('dragend', function () {
      card.classList.remove('dragging');
      dragged = null;
    });
    card.addEventListener('dragover', function (e) {
      if (!dragged || dragged === card) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    });
    card.addEventListener('drop', function (e) {
      if (!dragged || dragged === card) return;
      e.preventDefault();
      // Dropped on the left half: before this card; on the right half: after it.
      var box = card.getBoundingClientRect();
      grid.insertBefore(dragged, e.clientX < box.left + box.width / 2 ? card : card.nextSibling);
      renumber();
    });
  });
})();
