"""StreamField blocks for workshop pages: the agenda."""

from wagtail import blocks

from core.blocks import BaseStreamBlock, VideoBlock


class AgendaItemBlock(blocks.StructBlock):
    time = blocks.CharBlock(max_length=40, help_text="As people read it, e.g. 9:00 or 9:00-9:45")
    title = blocks.CharBlock(max_length=200)
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "time"
        template = "events/blocks/agenda_item_block.html"
        preview_value = {"time": "9:00", "title": "Number string warm-up", "description": "We solve one together."}
        description = "One item of the workshop agenda"


class AgendaBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Agenda")
    items = blocks.ListBlock(AgendaItemBlock())

    class Meta:
        icon = "list-ol"
        template = "events/blocks/agenda_block.html"
        description = "The running order of the day"


class EventStreamBlock(BaseStreamBlock):
    """Everything a content page has, plus an agenda."""

    agenda = AgendaBlock()


class RecordingStreamBlock(blocks.StreamBlock):
    """The recording of a past workshop: one or more videos (e.g. one per session)."""

    video = VideoBlock()
