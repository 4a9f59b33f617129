"""Dutch replies of the "which partnership?" conversation, composed from `wegwijs.lookup_dialog` results.

Texts live in resources/messages/partnership.yml; this module only picks and fills them. A partnership's name,
phone and website appear only when the registry marks it verified (source not WEAK).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from wegwijs.messages import load_messages
from wegwijs.registry import Location, Partnership, Registry, Sector, display_code, get_registry

AREA = "partnership"
MAX_PLACES_PER_OPTION = 3


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)


def _texts() -> dict:
    return load_messages(AREA)


def _join(names: list[str] | tuple[str, ...]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _gemeente_phrase(names: tuple[str, ...]) -> str:
    return ("de gemeente " if len(names) == 1 else "de gemeenten ") + _join(names)


def partnership_block(partnership: Partnership, with_area: bool = True) -> str:
    t = _texts()
    sector = t["sector_po"] if partnership.sector == "PO" else t["sector_vo"]
    lines = [t["partnership_line"].format(sector=sector, code=partnership.display_code)]
    if partnership.verified:
        key = "partnership_name_short" if partnership.short_name else "partnership_name"
        lines.append(t[key].format(name=partnership.name, short_name=partnership.short_name))
        if partnership.phone:
            lines.append(t["partnership_phone"].format(phone=partnership.phone))
        if partnership.email:
            lines.append(t["partnership_email"].format(email=partnership.email))
        if partnership.website:
            lines.append(t["partnership_website"].format(website=partnership.website))
    else:
        lines.append(t["partnership_unverified"])
    if with_area:
        lines.append(t["partnership_area"].format(municipalities=_join(partnership.municipalities)))
    return "\n".join(lines)


def _intro(location: Location, answer: dict) -> list[str]:
    t = _texts()
    lines = []
    if answer.get("corrected_from"):
        lines.append(t["intro_corrected"].format(place=location.label))
    if location.kind == "postcode":
        lines.append(t["intro_postcode"].format(pc4=location.name, municipalities=_gemeente_phrase(location.gemeenten)))
        if location.derived:
            lines.append(t["intro_derived"].format(pc4=location.name))
    place = location.describe()
    if location.kind == "former_municipality":
        place = location.label
        lines.append(t["intro_former"].format(place=location.label, municipalities=_gemeente_phrase(location.gemeenten)))
    if answer.get("home") and answer.get("home_only"):
        lines.append(t["intro_home_only"].format(place=place))
    elif answer.get("home"):
        lines.append(t["intro_school_and_home"].format(home=answer["home"], place=place))
    elif location.kind != "postcode":
        lines.append(t["intro_school"].format(place=place))
    return lines


def answer_replies(answer: dict, school_type: Optional[Sector], registry: Optional[Registry] = None) -> list[Reply]:
    """The reply for a finished lookup (`Turn.answer`)."""
    registry = registry or get_registry()
    t = _texts()
    kind = answer["kind"]
    if kind == "location":
        location = Location.from_dict(answer["location"])
        sectors: tuple[Sector, ...] = (school_type,) if school_type else ("PO", "VO")
        blocks = [partnership_block(registry.partnership(code)) for s in sectors for code in location.codes(s)]
        return [Reply("\n".join(_intro(location, answer))), *[Reply(b) for b in blocks], Reply(t["next_step"])]
    if kind == "codes":
        replies = []
        for code in answer["codes"]:
            partnership = registry.partnership(code)
            words = t["sector_words_po"] if partnership.sector == "PO" else t["sector_words_vo"]
            replies.append(Reply(t["code_intro"].format(code=partnership.display_code, sector_words=words)
                                 + "\n" + partnership_block(partnership)))
        return replies + [Reply(t["next_step"])]
    if kind == "dont_know":
        if answer.get("location"):
            location = Location.from_dict(answer["location"])
            sectors = (school_type,) if school_type else ("PO", "VO")
            blocks = [partnership_block(registry.partnership(code), with_area=False)
                      for s in sectors for code in location.codes(s)]
            return [Reply(t["dont_know_with_options"].format(place=location.label)), *[Reply(b) for b in blocks],
                    Reply(t["dont_know_school"] + "\n" + t["dont_know_next_step"])]
        return [Reply(t["dont_know"]), Reply(t["dont_know_next_step"])]
    if kind == "europoort":
        intro = (t["europoort"].format(pc4=answer["pc4"]) if answer.get("pc4")
                 else t["europoort_place"].format(query=answer["query"]))
        return [Reply(intro), Reply(t["europoort_next_step"])]
    return [Reply(t["give_up"]), Reply(t["give_up_next_step"])]


def question_reply(pending: Optional[dict], school_type: Optional[Sector] = None) -> Reply:
    """The question for an open lookup (`Turn.pending`)."""
    t = _texts()
    kind = (pending or {}).get("kind", "ask")
    if kind == "postcode":
        location = Location.from_dict(pending["location"])
        sector_note = ""
        if len(pending["sectors"]) == 1:
            sector_note = " voor " + ("het basisonderwijs" if pending["sectors"][0] == "PO" else "het voortgezet onderwijs")
        lines = [t["ask_postcode"].format(place=location.label, sector_note=sector_note)]
        for code, places in pending["options"].items():
            if places:
                lines.append(t["ask_postcode_option"].format(code=display_code(code),
                                                             places=_join(places[:MAX_PLACES_PER_OPTION])))
            elif location.kind == "municipality":
                # The main place was merged into the municipality itself (Amsterdam next to Weesp).
                lines.append(t["ask_postcode_option_rest"].format(code=display_code(code), place=location.label))
            else:
                lines.append(t["ask_postcode_option_no_places"].format(code=display_code(code)))
        lines.append(t["ask_postcode_question"])
        return Reply("\n".join(lines))
    if kind == "which":
        buttons = [(_option_title(o["location"]), o["text"]) for o in pending["options"]]
        return Reply(t["ask_which"].format(query=pending["query"]), buttons)
    if kind == "confirm":
        options = pending["options"]
        if len(options) == 1:
            suggestion = _option_title(options[0]["location"])
            return Reply(t["ask_confirm_one"].format(query=pending["query"], suggestion=suggestion),
                         [(t["button_yes"], t["button_yes"]), (t["button_no"], t["button_no"])])
        buttons = [(_option_title(o["location"]), o["text"]) for o in options]
        return Reply(t["ask_confirm_many"].format(query=pending["query"]), buttons)
    if kind == "retry":
        return Reply(t["ask_retry"])
    if kind == "again":
        key = f"ask_again_{pending['reason']}"
        return Reply(t[key].format(query=pending["query"], country=pending.get("country", ""),
                                   pc4=pending.get("pc4", "")))
    return Reply(t["ask_location"])


def _option_title(location_dict: dict) -> str:
    location = Location.from_dict(location_dict)
    if location.kind == "municipality":
        return f"{location.label} ({location.province})"
    return f"{location.label} (gemeente {_join(location.gemeenten)}, {location.province})"
