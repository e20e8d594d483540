// Injected into a copy of a page by PageProbe: once everything has loaded, it measures what a reader
// at this window size would see and leaves it, base64-encoded JSON, in <pre id="lrsweep-probe">.
addEventListener('load', () => {
  const where = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ': '
      + (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 80);
  const overflowHidden = s => ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
  const inScrollBox = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const page = {
    viewportWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    images: [...document.images].map(i => ({
      src: i.currentSrc || i.src,
      naturalWidth: i.naturalWidth,
      right: Math.ceil(i.getBoundingClientRect().right)
    })),
    links: [...document.querySelectorAll('a[href], link[href], img[src], script[src], iframe[src], source[src]')]
        .map(e => e.href || e.src),
    // Text a box cuts off with no way to scroll to it (a scroll box, overflow auto, is readable).
    clipped: [...document.body.querySelectorAll('*')]
        .filter(e => overflowHidden(getComputedStyle(e)) && e.scrollWidth > e.clientWidth + 1)
        .map(where),
    // Anything laid out past the right edge of the window, outside a scroll box.
    offRight: [...document.body.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !inScrollBox(e))
        .map(where),
    figures: [...document.querySelectorAll('figure')].map(f => ({
      src: f.querySelector('img') ? f.querySelector('img').src : '',
      caption: f.querySelector('figcaption') ? f.querySelector('figcaption').textContent.trim() : ''
    }))
  };
  const bytes = new TextEncoder().encode(JSON.stringify(page));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const out = document.createElement('pre');
  out.id = 'lrsweep-probe';
  out.hidden = true;
  out.textContent = btoa(binary);
  document.body.append(out);
});
