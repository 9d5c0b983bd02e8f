"""Who may see and do what: API tokens and the one permission policy every interface uses."""
