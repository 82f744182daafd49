// Progressive enhancement of gallery photos: each photo links to its own page (/shows/{slug}/photos/{n}); with this
// script the link opens the photo in a modal <dialog> instead, and the address bar follows the photo so sharing and
// the back button work. Keys: ← → to move, Esc to close; swipe on touch screens; focus stays in the dialog and
// returns to the photo that opened it.
(() => {
  const selector = '.gallery a.photo-link';
  let dialog, stage, caption, credit, count, pageLink, prevButton, nextButton;
  let items = [], index = 0, opener = null, pushed = false;

  function build() {
    dialog = document.createElement('dialog');
    dialog.className = 'lightbox';
    dialog.setAttribute('aria-label', 'Photo viewer');
    dialog.innerHTML =
      '<div class="lb-bar"><span class="lb-count" aria-live="polite"></span>' +
      '<a class="lb-page">Photo page</a>' +
      '<button type="button" class="lb-close">Close<span class="sr-only"> (Esc)</span></button></div>' +
      '<div class="lb-stage"></div>' +
      '<div class="lb-text"><p class="lb-caption"></p><p class="lb-credit"></p></div>' +
      '<div class="lb-nav"><button type="button" class="lb-prev">← Previous</button>' +
      '<button type="button" class="lb-next">Next →</button></div>';
    document.body.appendChild(dialog);
    stage = dialog.querySelector('.lb-stage');
    caption = dialog.querySelector('.lb-caption');
    credit = dialog.querySelector('.lb-credit');
    count = dialog.querySelector('.lb-count');
    pageLink = dialog.querySelector('.lb-page');
    prevButton = dialog.querySelector('.lb-prev');
    nextButton = dialog.querySelector('.lb-next');
    dialog.querySelector('.lb-close').addEventListener('click', () => close(false));
    prevButton.addEventListener('click', () => move(-1));
    nextButton.addEventListener('click', () => move(1));
    dialog.addEventListener('cancel', e => { e.preventDefault(); close(false); });
    dialog.addEventListener('click', e => { if (e.target === dialog) close(false); });
    dialog.addEventListener('keydown', onKey);
    let start = null;
    stage.addEventListener('pointerdown', e => { start = { x: e.clientX, y: e.clientY }; });
    stage.addEventListener('pointerup', e => {
      if (!start) return;
      const dx = e.clientX - start.x, dy = e.clientY - start.y;
      start = null;
      if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) move(dx < 0 ? 1 : -1);
    });
    stage.addEventListener('pointercancel', () => { start = null; });
    stage.addEventListener('dragstart', e => e.preventDefault()); // a mouse drag on the image is a swipe, not a drag-and-drop
  }

  function onKey(e) {
    if (e.key === 'ArrowRight') { e.preventDefault(); move(1); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); move(-1); }
    else if (e.key === 'Tab') {
      // Keep focus inside the dialog (showModal makes the page inert; this also stops focus leaving for the browser UI).
      const focusable = [...dialog.querySelectorAll('a[href], button:not([disabled])')];
      if (focusable.length === 0) return;
      const first = focusable[0], last = focusable[focusable.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  }

  function show(i) {
    index = Math.max(0, Math.min(items.length - 1, i));
    const link = items[index];
    const figure = link.closest('figure');
    const picture = link.querySelector('picture').cloneNode(true);
    for (const el of picture.querySelectorAll('source, img')) el.setAttribute('sizes', '100vw');
    const img = picture.querySelector('img');
    img.removeAttribute('loading');
    img.className = 'lb-img';
    stage.replaceChildren(picture);
    caption.textContent = figure?.querySelector('.caption')?.textContent ?? '';
    credit.textContent = figure?.querySelector('.credit')?.textContent ?? '';
    count.textContent = `Photo ${index + 1} of ${items.length}`;
    pageLink.href = link.getAttribute('href');
    prevButton.disabled = index === 0;
    nextButton.disabled = index === items.length - 1;
    // Preload the neighbours so moving feels instant.
    for (const n of [items[index - 1], items[index + 1]])
      if (n) { const pre = n.querySelector('img'); if (pre) pre.loading = 'eager'; }
  }

  function open(link, push) {
    if (!dialog) build();
    const gallery = link.closest('.gallery');
    items = [...gallery.querySelectorAll('a.photo-link')];
    opener = link;
    show(items.indexOf(link));
    if (!dialog.open) dialog.showModal();
    dialog.querySelector('.lb-close').focus();
    if (push) { history.pushState({ lightbox: link.getAttribute('href') }, '', link.getAttribute('href')); pushed = true; }
  }

  function move(delta) {
    const next = index + delta;
    if (next < 0 || next >= items.length) return;
    show(next);
    opener = items[index];
    // Replace, not push: Back closes the viewer and returns to the story, wherever the reader browsed to.
    history.replaceState({ lightbox: items[index].getAttribute('href') }, '', items[index].getAttribute('href'));
    if (document.activeElement === prevButton && prevButton.disabled) nextButton.focus();
    if (document.activeElement === nextButton && nextButton.disabled) prevButton.focus();
  }

  function close(fromHistory) {
    if (!dialog || !dialog.open) return;
    dialog.close();
    stage.replaceChildren();
    if (!fromHistory && pushed) { pushed = false; history.back(); }
    if (opener) { opener.focus(); opener.closest('figure')?.scrollIntoView({ block: 'nearest' }); }
  }

  document.addEventListener('click', e => {
    const link = e.target.closest(selector);
    if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    open(link, true);
  });

  window.addEventListener('popstate', e => {
    const href = e.state && e.state.lightbox;
    const link = href && [...document.querySelectorAll(selector)].find(a => a.getAttribute('href') === href);
    if (link) { open(link, false); pushed = true; }
    else { pushed = false; close(true); }
  });
})();
