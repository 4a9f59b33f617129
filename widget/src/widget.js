// The Wegwijs chat widget: a launcher button and a chat panel inside a shadow root.
// All text goes into the DOM as text nodes (see format.js); nothing is parsed as HTML.
import { formatMessage } from "./format.js";
import { css, palette } from "./styles.js";
import { ChatConnection } from "./connection.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const ICONS = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
  close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z",
  restart: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
  // Thumb from Material Design Icons (Apache-2.0); thumb down is the same, turned over.
  // SVG, not emoji: no dependence on an emoji font on the parent's device.
  thumb: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
};
const STORAGE = { open: "wegwijs.open", notice: "wegwijs.noticeSeen" };

function storage() {
  try {
    return window.sessionStorage;
  } catch (_) {
    return null; // storage blocked (privacy settings): the widget still works, without resume
  }
}

export class WegwijsWidget {
  /**
   * @param {object} config  see readConfig() in index.js
   * @param {object} texts   the TEXTS object
   */
  constructor(config, texts) {
    this.config = config;
    this.texts = texts;
    this.doc = document;
    this.store = storage();
    this.connection = new ChatConnection(config, this.store, {
      onStatus: (status) => this.showStatus(status),
      onHistory: (messages, isNew, pending) => this.renderHistory(messages, isNew, pending),
      onBotMessage: (message) => this.addBotMessage(message),
    });
    this.awaitingControlReply = false;
  }

  mount() {
    const host = this.doc.createElement("div");
    host.id = "wegwijs-widget";
    host.setAttribute("lang", "nl");
    this.doc.body.append(host);
    // Open shadow root: host styles stay out, ours stay in; open so test tools can look in.
    this.shadow = host.attachShadow({ mode: "open" });
    this.applyStyles();
    this.build();
    if (this.connection.hasSession()) this.connection.connect(); // resume: load the history
    if (this.store && this.store.getItem(STORAGE.open) === "1") this.open(false);
    return this;
  }

  applyStyles() {
    const text = css(palette(this.config.primaryColor));
    if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      this.shadow.adoptedStyleSheets = [sheet];
    } else {
      const style = this.doc.createElement("style");
      if (this.config.nonce) style.nonce = this.config.nonce;
      style.textContent = text;
      this.shadow.append(style);
    }
  }

  el(tag, props = {}, children = []) {
    const node = this.doc.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else if (value !== false && value != null) node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  icon(name, turned = false) {
    const svg = this.doc.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = this.doc.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    if (turned) path.setAttribute("transform", "rotate(180 12 12)");
    svg.append(path);
    return svg;
  }

  build() {
    const t = this.texts;
    this.launcher = this.el(
      "button",
      {
        type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "ww-panel",
        onclick: () => (this.isOpen ? this.close() : this.open(true)),
      },
      [this.icon("chat"), this.el("span", { text: t.launcherText })],
    );

    const privacyChildren = [this.el("h3", { text: t.privacyTitle }), this.el("p", { text: t.privacyText })];
    const privacyLink = this.config.privacyUrl;
    if (privacyLink) {
      privacyChildren.push(
        this.el("p", {}, [this.el("a", { href: privacyLink, target: "_blank", rel: "noopener noreferrer" }, [
          this.doc.createTextNode(t.privacyLink),
          this.el("span", { class: "sr-only", text: " " + t.newWindow }),
        ])]),
      );
    }
    this.noticeButton = this.el("button", {
      type: "button", class: "choices-like", text: t.privacyOk, onclick: () => this.dismissNotice(),
    });
    privacyChildren.push(this.el("div", { class: "choices" }, [this.noticeButton]));
    this.notice = this.el("section", { class: "notice", "aria-labelledby": "ww-privacy-title", hidden: true }, privacyChildren);
    this.notice.querySelector("h3").id = "ww-privacy-title";

    this.log = this.el("div", {
      class: "log", role: "log", "aria-live": "polite", "aria-label": t.logLabel, tabindex: "0",
    });
    this.typing = this.el("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [
      this.el("span", { class: "dots" }, [this.el("span"), this.el("span"), this.el("span")]),
      this.el("span", { text: t.typing }),
    ]);
    this.status = this.el("div", { class: "status", role: "status" });
    this.input = this.el("input", {
      id: "ww-input", type: "text", autocomplete: "off", maxlength: "500",
      placeholder: t.inputPlaceholder, enterkeyhint: "send",
    });
    const form = this.el("form", { class: "composer", onsubmit: (e) => this.onSubmit(e) }, [
      this.el("label", { for: "ww-input", class: "sr-only", text: t.inputLabel }),
      this.input,
      this.el("button", { type: "submit", text: t.send }),
    ]);

    const header = this.el("div", { class: "header" }, [
      this.el("div", { class: "titles" }, [
        this.el("h2", { id: "ww-title", text: this.config.title || t.defaultTitle }),
        this.el("p", { text: t.subtitle }),
      ]),
      this.el("button", {
        type: "button", class: "icon-button restart", "aria-label": t.restart, title: t.restart,
        onclick: () => this.restart(),
      }, [this.icon("restart")]),
      this.el("button", {
        type: "button", class: "icon-button close", "aria-label": t.close, title: t.close,
        onclick: () => this.close(),
      }, [this.icon("close")]),
    ]);

    this.panel = this.el("section", {
      id: "ww-panel", class: "panel", role: "dialog", "aria-labelledby": "ww-title", hidden: true,
      onkeydown: (e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          this.close();
        }
      },
    }, [header, this.notice, this.log, this.typing, this.status, form]);

    // A labelled landmark: screen reader users can jump to the chat, and no widget
    // content sits outside the page's landmarks.
    this.root = this.el("div", { class: "root", role: "complementary", "aria-label": t.panelLabel }, [this.panel, this.launcher]);
    this.shadow.append(this.root);
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  open(moveFocus) {
    this.panel.hidden = false;
    this.root.classList.add("open");
    this.launcher.setAttribute("aria-expanded", "true");
    if (this.store) this.store.setItem(STORAGE.open, "1");
    const noticeSeen = this.store && this.store.getItem(STORAGE.notice) === "1";
    this.notice.hidden = !!noticeSeen;
    this.connection.connect();
    this.scrollToEnd();
    // Focus the question field; on the first open the privacy notice comes first.
    if (moveFocus) (this.notice.hidden ? this.input : this.noticeButton).focus();
  }

  close() {
    this.panel.hidden = true;
    this.root.classList.remove("open");
    this.launcher.setAttribute("aria-expanded", "false");
    if (this.store) this.store.setItem(STORAGE.open, "0");
    this.launcher.focus();
  }

  dismissNotice() {
    this.notice.hidden = true;
    if (this.store) this.store.setItem(STORAGE.notice, "1");
    this.input.focus();
  }

  onSubmit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.sendUser(text, text, {});
  }

  /** Shows `shown` as the parent's bubble and sends `payload` to the assistant. */
  sendUser(shown, payload, metadata) {
    const timestamp = Date.now() / 1000;
    this.addUserMessage(shown, timestamp);
    this.awaitingControlReply = false;
    this.connection.send(payload, metadata, { text: shown, timestamp });
    this.showTyping(true);
  }

  /** Sends an intent the parent does not see as a bubble (greeting, feedback, restart). */
  sendControl(payload, metadata) {
    this.awaitingControlReply = true;
    this.connection.send(payload, metadata || {});
    this.showTyping(true);
  }

  restart() {
    this.log.replaceChildren();
    this.showStatus("restarted");
    this.sendControl(this.config.restartPayload);
    this.input.focus();
  }

  showTyping(on) {
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    // Never leave the indicator on when no answer comes.
    if (on) this.typingTimer = setTimeout(() => (this.typing.hidden = true), 15000);
  }

  showStatus(status) {
    const t = this.texts;
    const text = { connecting: "", connected: this.wasDisconnected ? t.connected : "", disconnected: t.disconnected,
      failed: t.failed, restarted: t.restartDone }[status];
    if (status === "disconnected" || status === "failed") this.wasDisconnected = true;
    if (status === "connected") this.wasDisconnected = false;
    this.status.textContent = text || "";
  }

  renderHistory(messages, isNew, pending = []) {
    // Rebuilding the log must not make screen readers read the whole conversation again.
    this.log.setAttribute("aria-live", "off");
    this.log.replaceChildren();
    for (const m of messages) {
      if (m.sender === "user") this.addUserMessage(m.text, m.timestamp);
      else this.addBotMessage({ text: m.text, quick_replies: m.buttons, timestamp: m.timestamp,
        feedback: m.feedback, feedbackAllowed: m.feedback_allowed !== false }, true);
    }
    for (const m of pending) this.addUserMessage(m.text, m.timestamp);
    this.log.setAttribute("aria-live", "polite");
    this.scrollToEnd();
    if (isNew && messages.length === 0 && this.config.initialPayload) this.sendControl(this.config.initialPayload);
  }

  time(timestamp) {
    const date = new Date((timestamp || Date.now() / 1000) * 1000);
    const label = date.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
    return this.el("time", { datetime: date.toISOString(), text: label });
  }

  addUserMessage(text, timestamp) {
    const t = this.texts;
    const node = this.el("div", { class: "msg user" }, [
      this.el("div", { class: "bubble" }, [this.el("span", { class: "sr-only", text: t.youSaid + " " }), this.doc.createTextNode(text)]),
      this.el("div", { class: "meta" }, [this.el("span", { class: "sr-only", text: t.sentAt }), this.time(timestamp)]),
    ]);
    this.log.append(node);
    this.scrollToEnd();
  }

  addBotMessage(message, fromHistory = false) {
    const t = this.texts;
    if (!fromHistory) this.showTyping(false);
    const buttons = (message.quick_replies || message.buttons || []).filter((b) => b && b.title);
    if (!message.text && buttons.length === 0) return;
    const bubble = this.el("div", { class: "bubble" }, [this.el("span", { class: "sr-only", text: t.botSaid + " " })]);
    bubble.append(formatMessage(this.doc, message.text, t));
    const meta = this.el("div", { class: "meta" }, [this.el("span", { class: "sr-only", text: t.sentAt }), this.time(message.timestamp)]);
    const allowFeedback = fromHistory ? message.feedbackAllowed : !this.awaitingControlReply;
    if (allowFeedback && message.timestamp) meta.append(this.feedbackButtons(message.timestamp, message.feedback));
    const node = this.el("div", { class: "msg bot" }, [bubble]);
    if (buttons.length) node.append(this.choiceButtons(buttons));
    node.append(meta);
    this.log.append(node);
    this.scrollToEnd();
  }

  choiceButtons(buttons) {
    const group = this.el("div", { class: "choices", role: "group", "aria-label": this.texts.choices });
    for (const button of buttons) {
      group.append(this.el("button", {
        type: "button", text: button.title,
        onclick: () => {
          // The buttons stay until one is used; then the choice becomes the parent's message.
          group.remove();
          this.sendUser(button.title, button.payload, { button_title: button.title });
          this.input.focus();
        },
      }));
    }
    return group;
  }

  feedbackButtons(timestamp, given) {
    const t = this.texts;
    const group = this.el("div", { class: "feedback", role: "group", "aria-label": t.feedbackQuestion });
    const make = (kind, turned, label) => this.el("button", {
      type: "button", "aria-label": label, title: label, "aria-pressed": given === kind ? "true" : "false",
      "data-feedback": kind, disabled: !!given,
      onclick: (e) => {
        for (const b of group.querySelectorAll("button")) b.disabled = true;
        e.currentTarget.setAttribute("aria-pressed", "true");
        this.sendControl(`/feedback_${kind}`, { feedback_for: timestamp });
        this.input.focus();
      },
    }, [this.icon("thumb", turned)]);
    group.append(make("positive", false, t.feedbackYes), make("negative", true, t.feedbackNo));
    return group;
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
