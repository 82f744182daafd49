// "Select all" / "Select none" in the moderation queue ticks the boxes in place; without this file the link reloads the page ticked.
(() => {
  const toggle = document.querySelector('[data-select-all]');
  if (!toggle) return;
  const boxes = () => [...document.querySelectorAll('form.moderation input[type=checkbox][name=ids]')];
  toggle.setAttribute('role', 'button');
  toggle.addEventListener('click', e => {
    e.preventDefault();
    const tick = !boxes().every(b => b.checked);
    boxes().forEach(b => { b.checked = tick; });
    toggle.textContent = tick ? 'Select none' : 'Select all';
  });
})();
