"""The engine's names in the words of the pages: the quality rules, the fields of the OKR file
their messages name, and the health codes.

``tandem lint`` speaks to people editing an OKR file, so its messages name the file's fields
(``aligns_to``) and its rules have ids (``unaligned-objective``). The pages speak to people
filling in a form: they say what the form says.
"""

from __future__ import annotations

import re

from tandem.organization.wording import day

# Re-exported: the pages, their forms and template tags write dates with it.

# What each quality rule is about, as a heading a newcomer understands.
RULE_WORDS = {
    "objective-without-key-results": "Objective without key results",
    "kr-not-measurable": "Key result that cannot be measured",
    "unusable-number": "Number that cannot be used",
    "alignment-broken": "Aligned to something that does not exist",
    "alignment-cycle": "Alignment that comes back to itself",
    "dependency-cycle": "Requests that wait on each other in a loop",
    "umbrella-without-owner": "Umbrella objective without an owner",
    "too-many-objectives": "Too many objectives",
    "too-many-key-results": "Too many key results",
    "kr-task-like": "Key result that reads like a task",
    "kr-without-owner": "Key result without an owner",
    "unaligned-objective": "Objective aligned to nothing",
    "individual-heavy-team": "Mostly individual objectives",
    "umbrella-kr-without-contributors": "Umbrella key result without contributors",
    "possible-overlap": "Objectives that may overlap",
    "conflicting-key-results": "Key results that may pull against each other",
    "dependency-unconfirmed": "Request not answered",
    "dependency-declined": "Request declined",
    "dependency-overdue": "Help overdue",
    "stale-checkin": "No recent check-in",
    "dependency-undeclared": "Help mentioned but not requested",
}

# The OKR file's fields that lint's messages name, as the forms label them.
FIELD_WORDS = {
    "aligns_to": "“Aligns to”",
    "done_on": "“Done on”",
    "is_umbrella": "“umbrella”",
    "key_results": "key results",
    "owner_id": "owner",
    "provider_kr": "the key result that delivers it",
    "stale_after_days": "the days after which a check-in is stale",
    "umbrella.owner": "the umbrella owner",
    "umbrella.teams": "the contributing teams",
}
_FIELD = re.compile(r"\b(" + "|".join(re.escape(f) for f in FIELD_WORDS) + r")\b")


def rule_words(rule: str) -> str:
    """``unaligned-objective`` → "Objective aligned to nothing" (an unknown rule: its id
    with spaces)."""
    return RULE_WORDS.get(rule, rule.replace("-", " ").capitalize())


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def plain_message(message: str) -> str:
    """A lint message with the file's field names in the forms' words, and its dates as the
    pages write them."""
    worded = _FIELD.sub(lambda found: FIELD_WORDS[found.group(1)], message)
    return _ISO_DATE.sub(lambda found: day(found.group(0)), worded)


# Health and a dependency's state and status as the exports write them: "Off track", not
# ``off_track``. A health of None is an objective without data yet.
HEALTH_WORDS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}
NO_DATA = "No data yet"
DEPENDENCY_STATUS_WORDS = {
    "ok": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "done": "Delivered",
    "cancelled": "Cancelled",
}


def health_word(code: str | None) -> str:
    """``off_track`` → "Off track"; None → "No data yet"."""
    return HEALTH_WORDS.get(code, code) if code else NO_DATA


def dependency_words(state: str, status: str) -> tuple[str, str]:
    """A dependency's state and status in words: ("Accepted", "Off track")."""
    return state.capitalize(), DEPENDENCY_STATUS_WORDS.get(status, status)


# Why a dependency has its status is worded in tandem.organization.wording (reason_parts,
# reason_words), which the messages (tandem.notifications) share with the pages and the CLI.
