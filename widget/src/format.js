// Safe rendering of bot text: a tiny subset of Markdown turned into DOM nodes.
// Text is only ever set with createTextNode/textContent, never parsed as HTML.
// Supported: paragraphs (blank line), line breaks, "- " / "* " lists, "1. " lists,
// **bold**, [label](https://…) and bare http(s) URLs. Other link schemes stay text.

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;
// [label](url) | **bold** | bare URL
const INLINE = /\[([^\]\n]{1,200})\]\((\S{1,2000}?)\)|\*\*([^*\n]{1,500})\*\*|(https?:\/\/[^\s<>()"]{1,2000})/g;

/** Returns the URL when it is an absolute http(s) URL, otherwise null. */
export function safeHref(raw) {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (_) {
    return null;
  }
}

function link(doc, href, label, texts) {
  const a = doc.createElement("a");
  a.href = href;
  a.target = "_blank";
  // noopener: the new page cannot reach this window; noreferrer: no URL leaks.
  a.rel = "noopener noreferrer nofollow";
  a.textContent = label;
  const hint = doc.createElement("span");
  hint.className = "sr-only";
  hint.textContent = " " + texts.newWindow;
  a.append(hint);
  return a;
}

/** Appends the inline content of one line to `parent`. */
export function appendInline(doc, parent, line, texts) {
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    let [whole, label, target, bold, bare] = match;
    if (match.index > last) parent.append(doc.createTextNode(line.slice(last, match.index)));
    last = match.index + whole.length;
    if (bold !== undefined) {
      const strong = doc.createElement("strong");
      strong.textContent = bold;
      parent.append(strong);
      continue;
    }
    if (bare !== undefined) {
      // A sentence-ending dot or comma is not part of the URL.
      const trailing = bare.match(/[.,;:!?]+$/);
      if (trailing) {
        bare = bare.slice(0, -trailing[0].length);
        last -= trailing[0].length;
      }
    }
    const href = safeHref(bare !== undefined ? bare : target);
    if (href) parent.append(link(doc, href, bare !== undefined ? bare : label, texts));
    else parent.append(doc.createTextNode(bare !== undefined ? bare : label));
  }
  if (last < line.length) parent.append(doc.createTextNode(line.slice(last)));
}

/** Builds a DocumentFragment for a bot message. */
export function formatMessage(doc, text, texts) {
  const fragment = doc.createDocumentFragment();
  const blocks = String(text || "").replace(/\r\n?/g, "\n").split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) continue;
    const kind = lines.every((l) => BULLET.test(l)) ? "ul" : lines.every((l) => NUMBERED.test(l)) ? "ol" : "p";
    if (kind === "p") {
      const p = doc.createElement("p");
      lines.forEach((line, i) => {
        if (i > 0) p.append(doc.createElement("br"));
        appendInline(doc, p, line, texts);
      });
      fragment.append(p);
    } else {
      const list = doc.createElement(kind);
      const pattern = kind === "ul" ? BULLET : NUMBERED;
      for (const line of lines) {
        const li = doc.createElement("li");
        appendInline(doc, li, line.match(pattern)[1], texts);
        list.append(li);
      }
      fragment.append(list);
    }
  }
  return fragment;
}
