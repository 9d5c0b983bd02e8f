"""The cycle review: each objective's score (computed, or overridden with a reason), a short
reflection per objective, and closing (or reopening) the cycle.

:mod:`.selectors` reads the review of a cycle as one viewer may see it; :mod:`.services`
writes (grading, reflecting, closing, reopening), each asking the one permission policy
(:mod:`tandem.core.permissions`) and refusing with its words. The pages and the API call both.
"""
