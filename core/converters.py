"""URL converters that only match what the database can hold."""


class IdConverter:
    """A primary key in a path: ASCII digits, at most 18 of them, so it always fits a bigint (< 2**63).

    A longer number, or one in other scripts' digits, does not match the route and answers 404.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
