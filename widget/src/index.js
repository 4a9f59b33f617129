// Entry point. A website embeds the widget with one tag, for example:
//   <script src="https://example.org/wegwijs-widget.js" defer
//           data-server-url="https://wegwijs.example.org" data-title="Wegwijs"
//           data-primary-color="#1d4f91" data-privacy-url="https://example.org/privacy"></script>
// See widget/README.md for every data attribute.
import { TEXTS } from "./texts.js";
import { WegwijsWidget } from "./widget.js";

function readConfig(script) {
  const d = (script && script.dataset) || {};
  return {
    serverUrl: d.serverUrl || window.location.origin,
    socketPath: d.socketPath || "/socket.io",
    title: d.title || TEXTS.defaultTitle,
    primaryColor: d.primaryColor || "",
    // Sent (not shown) when a new conversation starts, so the assistant says hello.
    initialPayload: d.initialMessage === undefined ? "/greet" : d.initialMessage,
    restartPayload: d.restartPayload || "/restart_conversation",
    privacyUrl: safeUrl(d.privacyUrl),
    nonce: d.nonce || (script && script.nonce) || "",
  };
}

function safeUrl(raw) {
  if (!raw) return "";
  try {
    const url = new URL(raw, window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
  } catch (_) {
    return "";
  }
}

const script = document.currentScript;
function start() {
  if (document.getElementById("wegwijs-widget")) return; // embedded twice: keep one
  window.WegwijsWidget = new WegwijsWidget(readConfig(script), TEXTS).mount();
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
