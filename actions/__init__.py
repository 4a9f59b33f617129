"""Custom actions for the Rasa action server (rasa-sdk). Thin: logic lives in wegwijs/."""
