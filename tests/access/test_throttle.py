"""The address failures count against: the connection's, or the one the proxies saw."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from tandem.access.throttle import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "10.0.0.1"),
        (0, "198.51.100.7", "10.0.0.1"),  # no proxy: X-Forwarded-For is the client's own words
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the left part was written by the client
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.1"),  # fewer entries than proxies: the connection's
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::5", "2001:db8::5"),
    ],
)
def test_the_client_address_trusts_only_the_proxies_in_front(
    settings: Any, proxies: int, forwarded: str | None, expected: str
) -> None:
    settings.TANDEM_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/login", REMOTE_ADDR="10.0.0.1", **headers)
    assert client_ip(request) == expected
