"""One reason, said alike everywhere: why a dependency has its status comes from the engine
(tandem.core.risk) and the dependencies page, the objective page, the API and the command
line all say the same for the same dependency."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from typer.testing import CliRunner

from tandem import DEMO_FILE
from tandem.cli import app
from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.organization.wording import reason_words
from tests.conftest import TODAY

Web = Callable[[str], Client]
# Every dependency of the demo that lowers a key result's health (through DEP-1, DEP-2 and
# DEP-4 the key results of search and infrastructure are at risk).
AT_RISK = ("DEP-1", "DEP-2", "DEP-4")


def text_of(page: bytes) -> str:
    """A page's text as a reader sees it: no tags, single spaces."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", page.decode()))
    return re.sub(r"\s+", " ", plain)


def expected(org: m.Organization, dependency_id: str, code: str) -> str:
    dependency = org.dependencies[dependency_id]
    return reason_words(
        code,
        provider=org.teams[dependency.provider].name,
        due=dependency.due,
        provider_kr=dependency.provider_kr,
    )


@pytest.mark.parametrize("dependency_id", AT_RISK)
def test_the_page_the_api_and_the_cli_give_the_same_reason(
    web_as: Web, demo_in_db: m.Organization, dependency_id: str
) -> None:
    org = demo_in_db
    client = web_as("admin")
    api = client.get(f"/api/v1/dependencies/{dependency_id}").json()
    engine = evaluate(org, TODAY).dependencies[dependency_id]
    assert api["reason"] == engine.reason.value
    assert api["status"] == engine.status.value == engine.reason.status.value
    words = expected(org, dependency_id, api["reason"])
    # The dependencies page: a step of a risk chain.
    page = text_of(client.get("/dependencies", {"cycle": "all"}).content)
    assert f"because {dependency_id}: {words}." in page
    # The objective page: the reasons on the card of the key result it holds back.
    from_id = org.dependencies[dependency_id].from_id
    objective = org.key_results[from_id].objective if from_id in org.key_results else from_id
    card = text_of(client.get(f"/objectives/{objective}").content)
    assert f"{dependency_id}: {words}" in card
    # The command line's report, in markdown: the dependencies at risk and why.
    result = CliRunner().invoke(
        app, ["report", str(DEMO_FILE), "--as-of", TODAY.isoformat(), "-f", "markdown"]
    )
    assert result.exit_code == 0
    assert f"| {words} |" in result.stdout


def test_the_api_explains_a_chain_through_provider_key_results(web_as: Web) -> None:
    """DEP-1's provider key result, IN-1.1, is held back by DEP-2, whose SRE-1.1 is off track."""
    found = web_as("admin").get("/api/v1/dependencies/DEP-1").json()
    assert found["reason"] == "provider-off-track"
    assert found["provider_kr"] == "IN-1.1"
    assert [
        (step["depth"], step["key_result"], step["dependency"], step["reason"])
        for step in found["chain"]
    ] == [(0, "IN-1.1", "DEP-2", "provider-off-track")]
    assert found["chain"][0]["provider_kr"] == "SRE-1.1"
    delivered = web_as("admin").get("/api/v1/dependencies/DEP-5").json()
    assert (delivered["reason"], delivered["status"], delivered["chain"]) == (
        "delivered",
        "done",
        [],
    )


@pytest.mark.parametrize(
    ("persona", "action", "dependency_id", "payload", "status", "words"),
    [
        # Not their side: the provider answers, the requester withdraws.
        ("outsider", "accept", "DEP-3", {}, 403, "only search (its members"),
        ("other_team", "cancel", "DEP-1", {}, 403, "only whoever may change the requesting"),
        # Not from this state: a cancelled request only becomes requested again.
        ("lead", "cancel", "DEP-6", {}, 409, "DEP-6 is cancelled; it can become requested"),
        # An objective is not a key result that can deliver the help.
        ("lead", "accept", "DEP-3", {"provider_kr": "SR-1"}, 422, "'SR-1' is an objective"),
    ],
)
def test_the_page_and_the_api_refuse_the_same_things_with_the_same_words(
    web_as: Web,
    persona: str,
    action: str,
    dependency_id: str,
    payload: dict[str, str],
    status: int,
    words: str,
) -> None:
    client = web_as(persona)
    api = client.post(
        f"/api/v1/dependencies/{dependency_id}/{action}", payload, content_type="application/json"
    )
    form = {"mode": "existing", **payload}
    page = client.post(
        f"/dependencies/{dependency_id}/{action}", form, headers={"HX-Request": "true"}
    )
    assert (api.status_code, page.status_code) == (status, status)
    assert words in api.json()["detail"]
    assert words[:1].upper() + words[1:] in text_of(page.content) or words in text_of(page.content)
