"""Every progress bar shows the progress expected by now and says where its health comes from,
so that a green bar short of the mark (health from confidence) no longer reads as a mistake."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.template import Context, Template
from django.test import Client

from tandem.web.progress import ProgressFacts

Web = Callable[[str], Client]

BAR = re.compile(r'<span class="progress" role="progressbar"[^>]*>.*?</span>', re.S)


def bars(body: str) -> dict[str, str]:
    """Each bar's accessible label → its title (what it says on hover and to screen readers)."""
    return dict(re.findall(r'aria-label="Progress of ([^"]+)" title="([^"]+)"', body))


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (
            ProgressFacts(0.6, 0.71, "on_track", confidence=8, own_health="on_track"),
            "on track: confidence 8",
        ),
        (
            ProgressFacts(0.44, 0.71, "off_track", own_health="off_track"),
            "off track: 44% of 71% expected",
        ),
        (
            ProgressFacts(1.0, 0.71, "on_track", confidence=2, own_health="on_track"),
            "on track: done",
        ),
        (
            ProgressFacts(0.7, 0.71, "off_track", confidence=8, own_health="on_track"),
            "off track: because of a dependency",
        ),
        (ProgressFacts(0.5, 0.71, "at_risk", is_key_result=False), "at risk: from its key results"),
        (ProgressFacts(0.5, 0.71, None), ""),
    ],
)
def test_where_health_comes_from(facts: ProgressFacts, words: str) -> None:
    assert facts.source == words


def test_the_tag_draws_the_expected_mark_and_the_reason() -> None:
    template = Template("{% load tandem_web %}{% progress_bar card %}")
    card = {
        "id": "SR-2.1",
        "progress": 0.6,
        "expected_progress": 0.71,
        "health": "on_track",
        "own_health": "on_track",
        "confidence": 8,
    }
    html = template.render(Context({"card": card}))
    assert '<line class="progress-expected" x1="71.0" x2="71.0" y1="0" y2="1"/>' in html
    assert 'aria-valuetext="60%, 71% expected by now; on track: confidence 8"' in html
    assert '<span class="visually-hidden">, 71% expected by now</span>' in html
    assert '<span class="progress-why">on track: confidence 8</span>' in html
    # No style attribute anywhere: the Content Security Policy allows none.
    assert "style=" not in html


def test_a_bar_given_only_numbers_finds_its_card_in_the_page() -> None:
    # The check-in card passes progress, health and id: the rest comes from the card.
    template = Template("{% load tandem_web %}{% progress_bar card.progress card.health card.id %}")
    card = {
        "id": "X.1",
        "progress": 0.2,
        "expected_progress": 0.5,
        "health": "off_track",
        "own_health": "off_track",
        "confidence": None,
    }
    html = template.render(Context({"card": card}))
    assert "off track: 20% of 50% expected" in html
    assert 'class="progress-expected"' in html
    plain = Template("{% load tandem_web %}{% progress_bar 0.5 'on_track' 'Search' %}")
    assert "progress-expected" not in plain.render(Context({}))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/objectives/SR-2",
        "/teams/search",
        "/alignment",
        "/cycles/2026-Q4/review",
        "/dashboard",
    ],
)
def test_every_bar_on_the_pages_has_its_mark(web_as: Web, path: str) -> None:
    body = web_as("lead").get(path).content.decode()
    found = BAR.findall(body)
    assert found, path
    for bar in found:
        assert 'class="progress-expected"' in bar, bar[:200]
        assert "expected by now" in bar


def test_my_okrs_say_why_a_bar_short_of_the_mark_is_not_red(web_as: Web) -> None:
    said = bars(web_as("lead").get("/").content.decode())
    # Confidence decides before pace (SPEC section 2): the page says so beside the bar.
    assert said["SR-2.1"] == "40%, 56% expected by now; at risk: confidence 6"
    assert said["SR-1.2"] == "100%, 56% expected by now; on track: done"
    assert said["SR-1.1"].endswith("off track: because of a dependency")
    assert said["SR-1"].endswith("off track: from its key results")
