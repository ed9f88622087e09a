"""Workshop registrations in the Wagtail admin: one viewset (registered in events/wagtail_hooks.py)."""
