// Progressive enhancement for comments: post without reloading the page. Without this file the form posts normally.
(() => {
  const form = document.querySelector('form[data-comment-form]');
  if (!form || !window.fetch || !window.FormData) return;
  const list = document.querySelector('[data-comment-list]');
  const error = form.querySelector('[data-comment-error]');
  const status = form.querySelector('[data-comment-status]');
  const text = form.querySelector('textarea');
  const button = form.querySelector('button[type=submit]');

  const show = (el, message) => { el.textContent = message; el.hidden = !message; };

  form.addEventListener('submit', async e => {
    e.preventDefault();
    show(error, ''); show(status, '');
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST', body: new FormData(form), credentials: 'same-origin',
        headers: { 'X-Requested-With': 'fetch', 'Accept': 'text/html, application/json' },
      });
      if (response.status === 204) { text.value = ''; return; }
      if (!response.ok) {
        let message = 'Your comment could not be posted (error ' + response.status + '). Your text is kept; please try again.';
        if ((response.headers.get('Content-Type') || '').includes('application/json')) {
          const body = await response.json();
          if (body && body.error) message = body.error;
        }
        show(error, message); // the typed text stays in the textarea
        return;
      }
      const template = document.createElement('template');
      template.innerHTML = (await response.text()).trim();
      const item = template.content.firstElementChild;
      if (!item) return;
      const replyTo = form.querySelector('input[name="Input.ReplyToId"]');
      const parent = replyTo && document.getElementById('comment-' + replyTo.value);
      if (parent && parent.closest('.comment-replies') === null) {
        let replies = parent.querySelector(':scope > .comment-replies');
        if (!replies) { replies = document.createElement('ol'); replies.className = 'comment-replies'; parent.appendChild(replies); }
        replies.appendChild(item);
      } else if (list) {
        list.appendChild(item);
      }
      const none = document.querySelector('[data-no-comments]');
      if (none) none.remove();
      text.value = '';
      show(status, item.dataset.held === 'true'
        ? 'Thanks — your comment is awaiting moderation. Only you can see it until a moderator approves it.'
        : 'Your comment is posted.');
      item.scrollIntoView({ block: 'nearest' });
    } catch {
      show(error, 'Could not reach the server. Your text is kept; please try again.');
    } finally {
      button.disabled = false;
    }
  });
})();
