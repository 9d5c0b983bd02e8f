"""The web pages: server-rendered templates with HTMX for in-place updates.

Views stay thin: they ask :mod:`tandem.access.policy` who the caller is and what they may do,
read through :mod:`tandem.organization.cache` (the organisation as the caller may see it,
evaluated) and the selectors, and write through the services.
"""
