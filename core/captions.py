"""WebVTT captions: the one check that a file really is WebVTT, used on upload and in the video block."""

NOT_WEBVTT = (
    'This is not a WebVTT captions file: its first line must be "WEBVTT". Export the captions as .vtt and upload that.'
)
NOT_VTT_NAME = "Captions must be a WebVTT file ending in .vtt."


def webvtt_error(head: bytes) -> str | None:
    """Why these first bytes are not a WebVTT file, or None when they are."""
    # The WebVTT spec: an optional byte-order mark, then "WEBVTT", then a space, tab or line end (or nothing).
    text = head[:16].decode("utf-8", errors="replace").removeprefix("\ufeff")
    if not text.startswith("WEBVTT") or (len(text) > 6 and text[6] not in " \t\r\n"):
        return NOT_WEBVTT
    return None


def file_webvtt_error(file) -> str | None:
    """Read the start of an uploaded or stored file (and rewind it) and check it."""
    position = file.tell() if hasattr(file, "tell") else 0
    head = file.read(16)
    if hasattr(file, "seek"):
        file.seek(position)
    return webvtt_error(head)
