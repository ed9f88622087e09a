"""StreamField blocks shared across the site."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from core.captions import NOT_VTT_NAME, file_webvtt_error


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False, help_text="Describe the image for people who cannot see it. Leave empty if purely decorative."
    )
    caption = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        description = "An image with alt text and an optional caption"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock()
    size = blocks.ChoiceBlock(choices=[("h2", "Section heading"), ("h3", "Sub-heading")], default="h2")

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        preview_value = {"text": "Why number talks work", "size": "h2"}
        description = "A heading that builds the page outline"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(default="Try it in your classroom")
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "pick"
        template = "blocks/callout_block.html"
        preview_value = {
            "title": "Try it in your classroom",
            "body": "<p>Open tomorrow's lesson with a two-minute number string.</p>",
        }
        description = "A highlighted box with a practical suggestion"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "The students explained their thinking before I said a word.",
            "attribution": "Grade 3 teacher",
        }
        description = "A quotation with attribution"


class VideoEmbedBlock(blocks.StructBlock):
    video = EmbedBlock(help_text="A YouTube or Vimeo link")
    transcript = blocks.TextBlock(required=False, help_text="A transcript makes the video usable for everyone.")

    class Meta:
        icon = "media"
        template = "blocks/video_embed_block.html"
        description = "An embedded video with its transcript"


def captions_error(document) -> str | None:
    """Why a captions document is not a WebVTT file, or None when it is one."""
    if document.file_extension.lower() != "vtt":
        return NOT_VTT_NAME
    try:
        with document.open_file() as handle:
            return file_webvtt_error(handle)
    except OSError:
        return "The captions file could not be read; upload it again."


class VideoBlock(blocks.StructBlock):
    """A video (an uploaded file served through the gated document view, or an embed) with captions and transcript."""

    title = blocks.CharBlock(required=False)
    file = DocumentChooserBlock(
        required=False, help_text="An uploaded MP4 file; it is served only to people who may open this page."
    )
    embed = EmbedBlock(required=False, help_text="Or a YouTube or Vimeo link")
    captions = DocumentChooserBlock(
        required=False, help_text="Captions for the uploaded file: a WebVTT (.vtt) document in English."
    )
    transcript = blocks.RichTextBlock(
        required=False,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text="Shown below the player; a transcript makes the video usable for everyone.",
    )

    # Older blocks stored the embed under "video" and the transcript as plain text: read them as this block.
    def to_python(self, value):
        return super().to_python(_upgrade_legacy_video(value))

    def bulk_to_python(self, values):
        return super().bulk_to_python([_upgrade_legacy_video(v) for v in values])

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if not value.get("embed") and not value.get("file"):
            errors["file"] = ValidationError("Choose an uploaded video file or add a video link.")
        if value.get("file") and value["file"].file_extension.lower() != "mp4":
            errors["file"] = ValidationError("Upload the video as an MP4 file so every browser can play it.")
        if value.get("captions"):
            problem = captions_error(value["captions"])
            if problem:
                errors["captions"] = ValidationError(problem)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        description = "A video (uploaded file or link) with captions and its transcript"


def _upgrade_legacy_video(value):
    if isinstance(value, dict) and "video" in value and "embed" not in value:
        value = {**value, "embed": value["video"]}
    if isinstance(value, dict) and value.get("transcript") and not str(value["transcript"]).lstrip().startswith("<"):
        from django.utils.html import linebreaks

        value = {**value, "transcript": linebreaks(value["transcript"], autoescape=True)}
    return value


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(required=False, help_text="Defaults to the document title")

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link_block.html"
        description = "A link to download a document (access rules apply)"


class NextStepValue(blocks.StructValue):
    """Resolves the link once, so templates read `href` and `label` (the page's title when no title is set)."""

    @property
    def page(self):
        page = self.get("page")
        return page.specific if page is not None and page.live else None

    @property
    def href(self) -> str:
        page = self.page
        return page.url if page is not None else (self.get("url") or "")

    @property
    def label(self) -> str:
        page = self.page
        return self.get("title") or (page.title if page is not None else self.get("url") or "")


class NextStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, help_text="Defaults to the page's title")
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label="Or a web address")
    note = blocks.CharBlock(required=False, help_text="One line on why this is the next step")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError("Choose a page or enter a web address (one of the two).")}
            )
        if value.get("url") and not value.get("title"):
            raise StructBlockValidationError(block_errors={"title": ValidationError("Give the web address a title.")})
        return value

    class Meta:
        icon = "link"
        value_class = NextStepValue
        description = "One next step: a page or a web address"


class WhatNowBlock(blocks.StructBlock):
    """Next steps at the end of a post: a list on screen, each with a QR code on paper."""

    heading = blocks.CharBlock(default="What now?")
    steps = blocks.ListBlock(NextStepBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "blocks/what_now_block.html"
        description = "Next-step links; printed with a QR code for each"


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks every content page can use."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"],
        description="Formatted text",
    )
    image = CaptionedImageBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    document = DocumentLinkBlock()
    what_now = WhatNowBlock()

    class Meta:
        block_counts = {}
