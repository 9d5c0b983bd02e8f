"""scim2-tester, the SCIM compliance checker, against a running Tandem (pytest-django's live
server on 127.0.0.1, a real database): no check may fail but the documented ones."""

from __future__ import annotations

from collections import Counter
from typing import Any

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import check_server
from scim2_tester.utils import Status

from tests.provisioning.conftest import admin_with_token

# Checks Tandem fails on purpose, each with the reason (docs/scim.md lists them too).
UNSUPPORTED: dict[str, str] = {}


def test_scim2_tester_finds_no_failure(live_server: Any, transactional_db: None) -> None:
    token = admin_with_token()
    with Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    ) as http:
        results = check_server(SyncSCIMClient(http))
    failed = [
        f"{result.title} [{result.resource_type}]: {result.reason}"
        for result in results
        if result.status in (Status.ERROR, Status.CRITICAL) and result.title not in UNSUPPORTED
    ]
    assert results
    print("scim2-tester:", Counter(result.status.name for result in results))
    for result in results:
        if result.status not in (Status.SUCCESS, Status.ERROR, Status.CRITICAL):
            print(
                f"  {result.status.name}: {result.title} [{result.resource_type}] {result.reason}"
            )
    assert not failed, "\n".join(failed)
