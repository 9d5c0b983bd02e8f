"""The quality rules of SPEC section 3: what an OKR coach would point out.

Each rule is a small function over the organisation and its evaluation that yields findings;
:func:`lint` runs them all and orders the findings as the organisation is written. The rules
live in one module per severity (:mod:`.error_rules`, :mod:`.warning_rules`,
:mod:`.info_rules`); :mod:`.findings` holds the registry they add themselves to.
"""

from __future__ import annotations

from tandem.core.quality.findings import (
    RULES,
    Finding,
    Rule,
    Severity,
    count_by_severity,
    lint,
    rule,
)

# The rule modules register their rules when imported, and the order they register in is the
# order of RULES (and of the findings on one target): errors, then warnings, then infos.
# isort: off
from tandem.core.quality import error_rules, warning_rules, info_rules  # noqa: F401
# isort: on

__all__ = ["RULES", "Finding", "Rule", "Severity", "count_by_severity", "lint", "rule"]
