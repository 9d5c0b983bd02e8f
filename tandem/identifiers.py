"""The human-readable ids every object carries (``SR-1.1``): the same in files, URLs and APIs."""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.db import models

ID_PATTERN = r"[A-Za-z0-9._-]+"
ID_MAX_LENGTH = 100

id_validator = RegexValidator(
    f"^{ID_PATTERN}$",
    "An id is made of letters, digits, '.', '_' and '-'.",
)


def id_field(**kwargs: object) -> models.CharField[str, str]:
    """The primary key: the id of the OKR file, stable for the object's life."""
    return models.CharField(
        primary_key=True,
        max_length=ID_MAX_LENGTH,
        validators=[id_validator],
        verbose_name="id",
        **kwargs,  # type: ignore[arg-type]
    )


def next_id(prefix: str, taken: set[str]) -> str:
    """The first ``<prefix>-<n>`` (n = 1, 2, ...) not in ``taken``; for objects made in Tandem."""
    numbers = [
        int(match.group(1))
        for existing in taken
        if (match := re.fullmatch(rf"{re.escape(prefix)}-(\d+)", existing))
    ]
    return f"{prefix}-{max(numbers, default=0) + 1}"
