import json

import pytest

from rasa_ext.channels import MAX_MESSAGE_CHARS, validate_payload


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'"hallo"', b"42", b"null", b'{"sender": "a"}', b'{"message": 5}',
     b'{"message": "hoi", "sender": 12}', b'{"message": "hoi", "sender": ""}', b'{"message": "hoi", "metadata": []}',
     b"\xff\xfe"],
)
def test_malformed_bodies_are_rejected_with_a_reason(body):
    payload, error = validate_payload(body)
    assert payload is None and error


def test_valid_bodies_pass_unchanged():
    body = {"sender": "ouder-1", "message": "Wat is passend onderwijs?", "metadata": {"feedback_for": "x"}}
    payload, error = validate_payload(json.dumps(body).encode())
    assert error is None and payload == body


def test_empty_and_long_messages_are_allowed_up_to_the_limit():
    assert validate_payload(json.dumps({"message": ""}).encode())[1] is None
    assert validate_payload(json.dumps({"message": "a" * MAX_MESSAGE_CHARS}).encode())[1] is None
    assert validate_payload(json.dumps({"message": "a" * (MAX_MESSAGE_CHARS + 1)}).encode())[1]


def test_lone_surrogates_are_replaced_so_text_can_be_stored():
    from rasa_ext.channels import clean_text

    cleaned = clean_text("\ud800else \udfff")
    assert cleaned == "\ufffdelse \ufffd"
    cleaned.encode("utf-8")  # would raise on a surrogate
    assert clean_text("gewone tekst met é en 😀") == "gewone tekst met é en 😀"
