"""Dependencies: what a team needs from another, and every change of its state."""
