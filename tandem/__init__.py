"""Tandem: OKRs for organisations whose teams depend on each other."""

__version__ = "0.1.0"

from pathlib import Path

# The demo organisation: the README's tour, `tandem serve --demo` and many tests use it.
DEMO_FILE = Path(__file__).parent / "examples" / "northwind.yaml"
