"""Demo content for events; the events app fills this in."""


def seed(*, stdout) -> None:
    pass
