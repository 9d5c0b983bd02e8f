"""Tandem: OKRs for organisations whose teams depend on each other."""

__version__ = "0.1.0"
