// Connection to Rasa's Socket.IO channel (rasa_ext/socketio_channel.py) with
// session_persistence: the session id lives in sessionStorage, so a reload or a
// dropped connection continues the same conversation (the server sends its history).
import { io } from "socket.io-client";

const SESSION_KEY = "wegwijs.session";

export class ChatConnection {
  constructor(config, store, handlers) {
    this.config = config;
    this.store = store;
    this.handlers = handlers;
    this.socket = null;
    this.sessionId = store ? store.getItem(SESSION_KEY) : null;
    this.ready = false; // true once the server confirmed the session and sent the history
    this.queue = []; // messages typed while (re)connecting
  }

  hasSession() {
    return !!this.sessionId;
  }

  connect() {
    if (this.socket) return;
    this.handlers.onStatus("connecting");
    this.socket = io(this.config.serverUrl, {
      path: this.config.socketPath,
      // WebSocket first: one connection, and no CORS preflight for polling requests.
      transports: ["websocket", "polling"],
      // Networks that block WebSockets (some school and office proxies) fall back to polling.
      tryAllTransports: true,
      reconnectionDelayMax: 10000,
    });
    this.socket.on("connect", () => {
      this.ready = false;
      this.socket.emit("session_request", { session_id: this.sessionId });
    });
    this.socket.on("session_confirm", (sessionId) => {
      const isNew = sessionId !== this.sessionId;
      this.sessionId = sessionId;
      this.isNewSession = isNew;
      if (this.store) this.store.setItem(SESSION_KEY, sessionId);
    });
    this.socket.on("session_history", (data) => {
      if (!data || data.session_id !== this.sessionId) return;
      this.ready = true;
      this.handlers.onStatus("connected");
      const pending = this.queue.splice(0);
      // Messages typed while offline are not in the history yet: the widget shows them again.
      this.handlers.onHistory(Array.isArray(data.messages) ? data.messages : [], this.isNewSession,
        pending.filter((m) => m.shown).map((m) => m.shown));
      this.isNewSession = false;
      for (const message of pending) this.emit(message);
    });
    this.socket.on("bot_uttered", (message) => {
      if (message && typeof message === "object") this.handlers.onBotMessage(message);
    });
    this.socket.on("disconnect", () => {
      this.ready = false;
      this.handlers.onStatus("disconnected");
    });
    this.socket.io.on("reconnect_failed", () => this.handlers.onStatus("failed"));
  }

  /** `shown`: {text, timestamp} of the bubble the parent sees, or null for control messages. */
  send(text, metadata, shown = null) {
    const message = { message: text, metadata: metadata || {}, shown };
    if (this.ready) this.emit(message);
    else {
      this.queue.push(message);
      this.connect();
    }
  }

  emit(message) {
    this.socket.emit("user_uttered", { message: message.message, metadata: message.metadata, session_id: this.sessionId });
  }
}
