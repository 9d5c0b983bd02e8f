"""The organisation as a whole: its settings, and moving it in and out (import, export)."""
