// Widget styles. They live in the shadow root as a constructable stylesheet
// (adoptedStyleSheets), which a Content-Security-Policy does not block, so the host
// page needs no 'unsafe-inline'. Browsers without it get a <style> with the nonce.

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
const DEFAULT_PRIMARY = "#1d4f91";
const DARK_TEXT = "#1a1a1a";
const BOT_BUBBLE = "#eef1f5";

function rgb(hex) {
  let h = hex.slice(1);
  if (h.length === 3) h = h.replace(/./g, "$&$&");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function luminance(hex) {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two hex colours. */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Colours from the host's data-primary-color, made safe for WCAG AA: text on the
 * primary colour is white or dark (whichever contrasts most), and links only use the
 * primary colour when it reaches 4.5:1 on the bot bubble.
 */
export function palette(primaryInput) {
  const primary = HEX.test(primaryInput || "") ? primaryInput : DEFAULT_PRIMARY;
  const onPrimary = contrast(primary, "#ffffff") >= contrast(primary, DARK_TEXT) ? "#ffffff" : DARK_TEXT;
  const link = contrast(primary, BOT_BUBBLE) >= 4.5 ? primary : "#0b4a8f";
  return { primary, onPrimary, link };
}

export function css(colors) {
  return `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
.root {
  --ww-primary: ${colors.primary};
  --ww-on-primary: ${colors.onPrimary};
  --ww-link: ${colors.link};
  --ww-text: ${DARK_TEXT};
  --ww-muted: #4a5563;
  --ww-bot: ${BOT_BUBBLE};
  --ww-border: #6b7480;
  --ww-focus: #0a0a0a;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  color: var(--ww-text);
  position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483000;
  display: flex; flex-direction: column; align-items: flex-end; gap: .75rem;
  max-width: calc(100vw - 2rem);
}
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button, input { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid var(--ww-focus); outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
.launcher {
  display: inline-flex; align-items: center; gap: .5rem;
  min-height: 3rem; padding: .6rem 1.1rem; border: 2px solid transparent; border-radius: 1.5rem;
  background: var(--ww-primary); color: var(--ww-on-primary); font-weight: 600;
  box-shadow: 0 2px 8px rgba(0,0,0,.25);
}
.launcher svg, .icon-button svg { width: 1.4em; height: 1.4em; fill: currentColor; flex: none; }
.feedback svg { width: 1.25em; height: 1.25em; fill: currentColor; }
.panel {
  width: 24rem; max-width: 100%;
  height: 36rem; max-height: calc(100vh - 6rem);
  display: flex; flex-direction: column;
  background: #fff; border: 1px solid var(--ww-border); border-radius: .75rem;
  box-shadow: 0 6px 24px rgba(0,0,0,.25); overflow: hidden;
}
.panel[hidden] { display: none; }
.header {
  display: flex; align-items: center; gap: .5rem; padding: .5rem .5rem .5rem 1rem;
  background: var(--ww-primary); color: var(--ww-on-primary);
}
.header .titles { flex: 1; min-width: 0; }
.header h2 { font-size: 1.1rem; line-height: 1.3; margin: 0; font-weight: 700; }
.header p { font-size: .875rem; margin: 0; }
.icon-button {
  display: inline-flex; align-items: center; justify-content: center;
  min-width: 2.75rem; min-height: 2.75rem; border: 0; border-radius: .5rem;
  background: transparent; color: inherit;
}
.icon-button:hover { background: rgba(127,127,127,.25); }
.notice { margin: .75rem; padding: .75rem; border: 1px solid var(--ww-border); border-radius: .5rem; background: #fffbe6; font-size: .9375rem; }
.notice[hidden] { display: none; }
.notice h3 { font-size: 1rem; margin: 0 0 .25rem; }
.notice p { margin: 0 0 .5rem; }
.notice a { color: #0b4a8f; }
.log { flex: 1; overflow-y: auto; padding: .75rem; display: flex; flex-direction: column; gap: .75rem; }
.msg { max-width: 90%; display: flex; flex-direction: column; gap: .25rem; }
.msg.user { align-self: flex-end; align-items: flex-end; }
.msg.bot { align-self: flex-start; align-items: flex-start; }
.bubble { padding: .6rem .8rem; border-radius: .9rem; overflow-wrap: anywhere; }
.user .bubble { background: var(--ww-primary); color: var(--ww-on-primary); border-bottom-right-radius: .2rem; }
.bot .bubble { background: var(--ww-bot); border-bottom-left-radius: .2rem; }
.bubble p, .bubble ul, .bubble ol { margin: 0 0 .5rem; }
.bubble > :last-child { margin-bottom: 0; }
.bubble ul, .bubble ol { padding-left: 1.25rem; }
.bubble a { color: var(--ww-link); text-decoration: underline; }
.meta { display: flex; align-items: center; gap: .5rem; font-size: .8125rem; color: var(--ww-muted); }
.feedback { display: inline-flex; gap: .25rem; }
.feedback button {
  min-width: 2.75rem; min-height: 2.75rem; border: 1px solid var(--ww-border); border-radius: .5rem;
  display: inline-flex; align-items: center; justify-content: center;
  background: #fff; color: var(--ww-link); line-height: 1;
}
.feedback button[aria-pressed="true"] { background: var(--ww-primary); color: var(--ww-on-primary); border-color: var(--ww-primary); }
.feedback button:disabled { cursor: default; }
.feedback button:disabled:not([aria-pressed="true"]) { opacity: .6; }
.choices { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .25rem; }
.choices button {
  min-height: 2.75rem; padding: .4rem .9rem; border: 2px solid var(--ww-primary); border-radius: 1.4rem;
  background: #fff; color: var(--ww-link); text-align: left;
}
.choices button:hover { background: var(--ww-bot); }
.typing { display: flex; align-items: center; gap: .5rem; padding: 0 .75rem .5rem; color: var(--ww-muted); font-size: .875rem; }
.typing[hidden] { display: none; }
.dots { display: inline-flex; gap: .2rem; }
.dots span { width: .45rem; height: .45rem; border-radius: 50%; background: var(--ww-muted); animation: ww-blink 1.2s infinite ease-in-out; }
.dots span:nth-child(2) { animation-delay: .2s; }
.dots span:nth-child(3) { animation-delay: .4s; }
@keyframes ww-blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
.status { padding: 0 .75rem; font-size: .875rem; color: var(--ww-muted); }
.status:empty { display: none; }
.composer { display: flex; gap: .5rem; padding: .75rem; border-top: 1px solid var(--ww-border); }
.composer input {
  flex: 1; min-width: 0; min-height: 2.75rem; padding: .5rem .75rem;
  border: 1px solid var(--ww-border); border-radius: .5rem; background: #fff;
}
.composer button {
  min-height: 2.75rem; padding: .5rem 1rem; border: 0; border-radius: .5rem;
  background: var(--ww-primary); color: var(--ww-on-primary); font-weight: 600;
}
@media (max-width: 30rem) {
  .root { right: .5rem; bottom: .5rem; max-width: calc(100vw - 1rem); }
  .root.open { inset: 0; max-width: none; gap: 0; }
  .root.open .launcher { display: none; }
  .root.open .panel { width: 100%; height: 100%; max-height: none; border-radius: 0; border: 0; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
  .dots span { opacity: .7; }
}
@media (forced-colors: active) {
  .bubble, .launcher, .choices button, .feedback button { border: 1px solid CanvasText; }
}
`;
}
