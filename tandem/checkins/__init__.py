"""Check-ins: each key result's value and confidence over time; corrections and withdrawals
keep what a check-in said before, who changed it, when and why."""
