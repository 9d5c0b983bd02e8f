"""Check-ins: the append-only record of each key result's value and confidence over time."""
