"""rasa_ext.action_validation: the action server's answer is checked as strictly as Rasa does, faster."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate

import rasa_ext  # noqa: F401  (installs the patch, as in the Rasa server)
from rasa.core.actions.action import RemoteAction
from rasa_ext.action_validation import _validate_action_result

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "swv_location", "value": "PO 28-01", "timestamp": None}],
     "responses": [{"text": "Bedoelt u een van deze vragen?", "buttons": [{"title": "Ja", "payload": "/affirm"}]}]},
    {"events": [{"event": "bot", "text": "hoi", "data": {}}, {"event": "action", "name": "action_listen"}]},
]
INVALID = [
    {"events": "geen lijst"},
    {"events": [{"event": "slot"}]},  # a slot event needs a name
    {"responses": ["geen object"]},
    {"events": [{"event": "onbekend_type"}]},
]


def test_rasa_uses_the_cached_validator() -> None:
    assert RemoteAction._validate_action_result is _validate_action_result


@pytest.mark.parametrize("result", VALID)
def test_valid_answers_pass_as_with_jsonschema_validate(result: dict) -> None:
    validate(result, RemoteAction.action_response_format_spec())  # Rasa's own check agrees
    assert RemoteAction("action_clarify", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_answers_raise_the_same_error_with_rasas_explanation(result: dict) -> None:
    with pytest.raises(ValidationError):
        validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as raised:
        RemoteAction("action_clarify", None)._validate_action_result(result)
    assert "Failed to validate Action server response from API" in raised.value.message
