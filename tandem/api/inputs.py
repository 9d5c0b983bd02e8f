"""The base of every request body: a misspelt field is an error, not silently ignored."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, StrictFloat, StrictInt, WithJsonSchema


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


def _iso_date(value: object) -> object:
    """Only ``YYYY-MM-DD``: a number would otherwise be read as a Unix timestamp."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError("a date is written YYYY-MM-DD, such as 2026-11-21")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


# A number as typed in JSON: "7" and true are not numbers (no coercion). Whether it is finite
# and within bounds is the services' one rule (tandem.core.numbers), with its one message.
Number = StrictInt | StrictFloat


# A key result's start, target, threshold and weights: taken as sent and checked by the
# services (tandem.core.numbers' one rule, 0 or more for a weight), so that "5", true or NaN
# get the message the pages and the OKR file give, under the field's own name. The OpenAPI
# document still says what is expected.
MetricNumber = Annotated[Any, WithJsonSchema({"type": "number"})]
Weight = Annotated[Any, WithJsonSchema({"type": "number", "minimum": 0})]
