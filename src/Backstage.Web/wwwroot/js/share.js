// Progressive enhancement of the share links (Pages/Shared/_Share.cshtml): the phone's native share sheet where the
// browser offers one, and a "Copy link" button. Without this file the plain links do the job.
(() => {
  for (const box of document.querySelectorAll('[data-share-url]')) {
    const url = box.dataset.shareUrl, title = box.dataset.shareTitle;
    const native = box.querySelector('[data-share-native]');
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener('click', () => navigator.share({ title, url }).catch(() => {}));
    }
    const copy = box.querySelector('[data-share-copy]');
    if (copy && navigator.clipboard) {
      const status = box.querySelector('.share-status');
      copy.hidden = false;
      copy.addEventListener('click', async () => {
        try { await navigator.clipboard.writeText(url); status.textContent = 'Link copied.'; }
        catch { status.textContent = 'Could not copy: use the Link below.'; }
      });
    }
  }
})();
