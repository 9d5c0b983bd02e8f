"""Every schema of the API has its own name: django-ninja names OpenAPI components by class
name, so two classes called alike (``TeamOut`` of teams and of cycle statistics) made one
describe the other's answers, and clients generated from the document got the wrong shape."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import tandem.api


def test_no_two_api_schemas_share_a_name() -> None:
    places: dict[str, set[str]] = defaultdict(set)
    for module_info in pkgutil.iter_modules(tandem.api.__path__):
        module = importlib.import_module(f"tandem.api.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value is not Schema:
                places[value.__name__].add(value.__module__)
    shared = {name: sorted(where) for name, where in places.items() if len(where) > 1}
    assert shared == {}
