"""Privacy (AVG): remove personal data before a conversation is stored. No Rasa import."""
from wegwijs.privacy.events import redact_event, redact_value
from wegwijs.privacy.redact import (
    ADDRESS,
    BSN,
    EMAIL,
    IBAN,
    NAME,
    PHONE,
    PLACEHOLDERS,
    contact_points,
    contains_pii,
    is_valid_bsn,
    is_valid_iban,
    redact_text,
)

__all__ = [
    "ADDRESS", "BSN", "EMAIL", "IBAN", "NAME", "PHONE", "PLACEHOLDERS",
    "contact_points", "contains_pii", "is_valid_bsn", "is_valid_iban", "redact_event", "redact_text", "redact_value",
]
