"""Cycles and OKRs: the cycle tree, objectives, key results, their metrics and grading."""
