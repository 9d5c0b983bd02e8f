"""Data sources that feed key results from other systems. Empty until the first integration
arrives.

What goes here: one subpackage per kind of source, ``<kind>/`` (sql, http_json, jira, github,
prometheus, ...), each with one small interface (``fetch(binding) -> number``) and its tests.
A source only reads and returns a number; the job that pulls it records the check-in through
``tandem.checkins.services``, so a pulled value meets the same rules as a typed one.

Layer: below ``jobs`` and the interfaces, beside ``notifications`` (the two never import each
other), above the business-area apps (see docs/architecture.md and ``[tool.importlinter]`` in
pyproject.toml).
"""
