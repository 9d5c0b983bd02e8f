"""The REST API at /api/v1 (django-ninja): thin handlers over services and selectors."""
