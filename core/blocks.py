"""StreamField blocks shared across the site."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


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


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(required=False, help_text="Defaults to the document title")

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link_block.html"
        description = "A link to download a document (access rules apply)"


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
    video = VideoEmbedBlock()
    document = DocumentLinkBlock()

    class Meta:
        block_counts = {}
