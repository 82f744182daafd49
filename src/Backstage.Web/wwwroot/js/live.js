// Live coverage on a show's page (docs/reader-site.md, "Live coverage"). The stream (/shows/{slug}/live, server-sent
// events) says which public photos the gallery has now; when that differs from the page, the page itself is fetched
// again (the same cached page a reload gets) and the gallery is brought up to date from it: removed photos go at once,
// new ones appear in gallery order where the reader is looking, or wait behind a "3 new photos — show" button when
// the reader is elsewhere. What is on screen never moves: the first visible photo stays where it was. When the node
// has no room for another stream (503) or the stream fails for good, the page polls itself instead.
(() => {
    const root = document.querySelector('.live-show[data-live-stream]');
    if (!root) return;
    const button = root.querySelector('.live-new');
    const pollEvery = 15000;
    let latest = null; // the newest gallery fetched, while some of its photos wait for the button
    let busy = false, again = false, polling = null;

    const figures = scope => Array.from(scope.querySelectorAll('figure.gallery-photo'));
    const shownIds = () => figures(root).map(f => f.id);
    const same = wanted => {
        const shown = shownIds();
        return latest === null && shown.length === wanted.length && wanted.every((id, i) => shown[i] === 'photo-' + id);
    };

    async function refresh(wanted) {
        if (wanted && same(wanted)) return;
        if (busy) { again = true; return; }
        busy = true;
        try {
            const response = await fetch(root.dataset.livePage, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
            if (!response.ok) return;
            const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
            const gallery = doc.querySelector('.gallery');
            if (!gallery) return;
            if (!doc.querySelector('.live-show')) end();
            latest = gallery;
            show(apply(gallery, false));
        } catch { /* offline for a moment: the next event or poll tries again */ } finally {
            busy = false;
            if (again) { again = false; refresh(null); }
        }
    }

    // Brings the page's gallery to `fresh`; new photos away from the reader's view are held back unless `all`.
    // Returns how many were held back.
    function apply(fresh, all) {
        const current = root.querySelector('.gallery');
        const freshFigures = figures(fresh);
        if (!current.matches('section.gallery') || !fresh.matches('section.gallery')) {
            if (!all && freshFigures.length > 0 && !visible(current.getBoundingClientRect().top)) return freshFigures.length;
            current.replaceWith(document.importNode(fresh, true));
            latest = null;
            return 0;
        }
        const keep = new Set(freshFigures.map(f => f.id));
        const anchor = figures(current).find(f => keep.has(f.id) && f.getBoundingClientRect().bottom > 0);
        const anchorId = anchor?.id, before = anchor?.getBoundingClientRect().top;
        for (const f of figures(current)) if (!keep.has(f.id)) f.remove(); // unpublished or taken down: gone at once
        let held = 0, previous = null;
        for (const f of freshFigures) {
            let mine = current.querySelector('#' + CSS.escape(f.id));
            if (mine) {
                // Same photo: its link (its place in the gallery) or caption may have changed.
                if (mine.outerHTML !== f.outerHTML) { const copy = document.importNode(f, true); mine.replaceWith(copy); mine = copy; }
                previous = mine;
                continue;
            }
            const at = previous ? previous.getBoundingClientRect().bottom : current.getBoundingClientRect().top;
            if (!all && !visible(at)) { held++; continue; }
            const copy = document.importNode(f, true);
            copy.classList.add('live-arrived');
            if (previous) previous.after(copy); else current.prepend(copy);
            previous = copy;
        }
        if (anchorId) {
            const now = document.getElementById(anchorId);
            if (now) window.scrollBy(0, now.getBoundingClientRect().top - before); // nothing on screen moves
        }
        if (held === 0) latest = null;
        return held;
    }

    const visible = y => y >= 0 && y <= window.innerHeight;

    function show(held) {
        if (held > 0) {
            button.textContent = `${held} new photo${held === 1 ? '' : 's'} — show`;
            button.hidden = false;
        } else button.hidden = true;
    }

    button.addEventListener('click', () => {
        if (!latest) { button.hidden = true; return; }
        const before = new Set(shownIds());
        apply(latest, true);
        latest = null;
        button.hidden = true;
        const first = figures(root).find(f => !before.has(f.id));
        if (first) first.scrollIntoView({ block: 'center' });
    });

    let stream = null;
    function end() {
        stream?.close();
        if (polling) clearInterval(polling);
        root.dataset.liveState = 'ended';
        document.querySelector('.live-line')?.remove();
    }

    function poll() {
        if (polling || root.dataset.liveState === 'ended') return;
        root.dataset.liveState = 'polling';
        polling = setInterval(() => refresh(null), pollEvery);
    }

    if (!('EventSource' in window)) { poll(); return; }
    stream = new EventSource(root.dataset.liveStream);
    stream.addEventListener('open', () => { root.dataset.liveState = 'stream'; });
    stream.addEventListener('photos', e => {
        root.dataset.liveState = 'stream';
        try { refresh(JSON.parse(e.data).photos); } catch { refresh(null); }
    });
    stream.addEventListener('ended', () => { stream.close(); refresh(null); end(); });
    stream.addEventListener('error', () => { if (stream.readyState === EventSource.CLOSED) poll(); });
})();
