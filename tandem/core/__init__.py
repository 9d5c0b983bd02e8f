"""The pure OKR engine: plain data in, results out. No Django, no I/O, no clock."""
