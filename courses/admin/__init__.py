"""Staff reports and actions for courses in the Wagtail admin (registered in courses/wagtail_hooks.py)."""
