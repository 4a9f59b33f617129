"""wegwijs.lookup_dialog: the turn decisions on their own (the actions only pass them on)."""
from __future__ import annotations

from wegwijs.lookup_dialog import MAX_ATTEMPTS, TurnInput, decide


def test_a_new_lookup_ignores_a_stale_open_question():
    stale = decide(TurnInput("Bergen", intent="inform_location")).pending
    assert stale["kind"] == "which"
    # The form was left; later "Limburg" alone starts a new lookup instead of answering the old question.
    turn = decide(TurnInput("Limburg", intent="inform_location", form_active=False, pending=stale))
    assert turn.answer is None and turn.pending["kind"] != "which"


def test_home_place_is_kept_while_asking_for_the_postcode():
    first = decide(TurnInput("we wonen in Leiden maar de school staat in Alphen aan den Rijn", "ask_partnership"))
    assert first.pending["kind"] == "postcode"
    second = decide(TurnInput("2391 AB", "inform_location", form_active=True, pending=first.pending))
    assert second.answer["home"] == "Leiden" and second.answer["kind"] == "location"


def test_failed_attempts_are_counted_across_kinds_of_question():
    pending = decide(TurnInput("welk swv", "ask_partnership")).pending
    turn = None
    for attempt in range(MAX_ATTEMPTS + 1):
        turn = decide(TurnInput(f"zzqx{attempt}", "inform_location", form_active=True, pending=pending))
        pending = turn.pending
    assert turn.answer == {"kind": "give_up"}


def test_school_type_from_an_earlier_message_is_kept():
    turn = decide(TurnInput("Leiden", "inform_location", form_active=True, pending={"kind": "ask"}, school_type="VO"))
    assert turn.school_type == "VO" and tuple(turn.answer["location"]["vo"]) == ("VO2801",)


def test_a_faq_question_is_not_taken_for_a_place():
    pending = decide(TurnInput("welk swv", "ask_partnership")).pending
    assert not decide(TurnInput("wat is een opp", "faq", form_active=True, pending=pending)).handled
