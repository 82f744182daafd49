// Gallery editor enhancement: click a thumbnail to set the focal point (fills the x/y % inputs; "Save all" applies it).
(function () {
  'use strict';
  document.querySelectorAll('.photo-card').forEach(function (card) {
    var thumb = card.querySelector('.photo-thumb');
    var img = thumb && thumb.querySelector('img');
    var x = card.querySelector('input[name$=".FocalX"]');
    var y = card.querySelector('input[name$=".FocalY"]');
    var dot = card.querySelector('.focal-dot');
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
        dot.style.left = ((left - box.left + fx * w) / box.width * 100) + '%';
        dot.style.top = ((top - box.top + fy * h) / box.height * 100) + '%';
      }
    });
  });
})();
