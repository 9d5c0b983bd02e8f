"""People and teams: who works here, the team tree, leads and memberships, and sign-in."""
