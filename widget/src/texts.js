// Every Dutch text the widget shows or announces, in one place, so a partnership
// can adapt them (B1 level, the parent is addressed as "u").
export const TEXTS = {
  // The launcher's visible text is also its accessible name (WCAG 2.5.3).
  launcherText: "Vraag het Wegwijs",
  panelLabel: "Chat met Wegwijs",
  defaultTitle: "Wegwijs",
  subtitle: "Digitale hulp over passend onderwijs",
  close: "Chat sluiten",
  restart: "Opnieuw beginnen",
  restartDone: "U bent een nieuw gesprek begonnen.",
  logLabel: "Gesprek",
  inputLabel: "Uw vraag",
  inputPlaceholder: "Typ uw vraag…",
  send: "Verstuur",
  you: "U",
  bot: "Wegwijs",
  youSaid: "U zegt:",
  botSaid: "Wegwijs zegt:",
  typing: "Wegwijs typt een antwoord…",
  sentAt: "verstuurd om",
  newWindow: "(opent in een nieuw venster)",
  choices: "Kies een antwoord",
  feedbackQuestion: "Had u iets aan dit antwoord?",
  feedbackYes: "Ja, dit hielp mij",
  feedbackNo: "Nee, dit hielp mij niet",
  feedbackGiven: "Bedankt, uw reactie is verstuurd.",
  privacyTitle: "Over uw privacy",
  privacyText:
    "Wij bewaren dit gesprek een korte tijd om de antwoorden beter te maken. " +
    "Typ geen namen, adressen of andere persoonlijke gegevens.",
  privacyLink: "Lees de privacyverklaring",
  privacyOk: "Begrepen",
  connecting: "Verbinding maken…",
  connected: "Verbonden. U kunt uw vraag typen.",
  disconnected: "De verbinding is weg. We proberen het opnieuw. Uw gesprek blijft bewaard.",
  failed: "Er is nu geen verbinding. Probeer het later opnieuw.",
};
