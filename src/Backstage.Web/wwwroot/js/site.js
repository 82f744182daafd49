// Progressive enhancement only: every page works without this file.
(() => {
  // Slug fields follow the title until the editor types a slug of their own.
  for (const slug of document.querySelectorAll('[data-slug-from]')) {
    const source = document.getElementById(slug.dataset.slugFrom);
    if (!source) continue;
    let touched = slug.value !== '';
    slug.addEventListener('input', () => { touched = slug.value !== ''; });
    source.addEventListener('input', () => {
      if (touched) return;
      slug.placeholder = source.value.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
        .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
    });
  }
  // Confirm destructive actions.
  for (const el of document.querySelectorAll('[data-confirm]')) {
    el.addEventListener('click', e => { if (!confirm(el.dataset.confirm)) e.preventDefault(); });
  }
})();
