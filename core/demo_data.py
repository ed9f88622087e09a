"""Demo content lives in data files: each app's seeder reads `<app>/demo/<name>.json`."""

import json
from importlib.resources import files


def load_demo_data(app: str, name: str):
    """The parsed content of `<app>/demo/<name>.json` (`app` is the app's package name)."""
    return json.loads(files(app).joinpath("demo", f"{name}.json").read_text(encoding="utf-8"))
