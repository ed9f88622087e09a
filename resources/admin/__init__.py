"""Staff reports for the resource library in the Wagtail admin (registered in resources/wagtail_hooks.py)."""
