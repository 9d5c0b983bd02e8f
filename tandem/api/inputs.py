"""The base of every request body: a misspelt field is an error, not silently ignored."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class Input(Schema):
    model_config = ConfigDict(extra="forbid")
