"""Outbound messages: who hears about what, and how it reaches them. Empty until the first
notification arrives.

What goes here: events -> recipients (chosen through ``tandem.access.policy``, so a digest
never shows its reader what they may not see), people's preferences, digests, and the one
delivery log every send goes through. Each channel is one subpackage with one small interface
(``send(message)``) and its tests: ``channels/<kind>/`` for inbox, email, slack, teams,
webhook. Adding a channel touches nothing outside its folder but the list of channels.

Layer: below ``jobs`` and the interfaces, beside ``integrations`` (the two never import each
other), above the business-area apps, whose selectors and policy it uses (see
docs/architecture.md and ``[tool.importlinter]`` in pyproject.toml).
"""
