"""StreamField blocks for lessons: content, the lesson structure, reflections and checks for understanding."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock

from core.blocks import CalloutBlock, CaptionedImageBlock, DocumentLinkBlock, HeadingBlock, VideoBlock


class LessonVideoBlock(blocks.StructBlock):
    """Superseded by core.blocks.VideoBlock (captions, rich transcript); kept because migrations name it."""

    title = blocks.CharBlock(required=False)
    embed = EmbedBlock(required=False, help_text="A YouTube or Vimeo link")
    file = DocumentChooserBlock(required=False, help_text="Or an uploaded MP4 file (lesson access rules apply)")
    transcript = blocks.TextBlock(required=False, help_text="A transcript makes the video usable for everyone.")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("embed") and not value.get("file"):
            raise StructBlockValidationError(
                block_errors={"embed": ValidationError("Add a video link or choose an uploaded video file.")}
            )
        return value

    class Meta:
        icon = "media"
        template = "courses/blocks/lesson_video_block.html"
        description = "A video (link or uploaded file) with its transcript"


class LessonStructureBlock(blocks.StructBlock):
    """The four parts of a math block, with what this lesson asks of each."""

    focus = blocks.ChoiceBlock(
        choices=[("launch", "Launch"), ("main", "Main Lesson"), ("menu", "Math Menu"), ("closure", "Closure")],
        required=False,
        help_text="Highlight the part this lesson is about.",
    )
    launch = blocks.TextBlock(required=False, help_text="Number talk, number string or image routine (5-10 min)")
    main = blocks.TextBlock(required=False, help_text="Problem solving and discourse")
    menu = blocks.TextBlock(required=False, help_text="Differentiated practice and small groups")
    closure = blocks.TextBlock(required=False, help_text="Sharing, reflection, formative assessment")

    class Meta:
        icon = "list-ol"
        template = "courses/blocks/lesson_structure_block.html"
        description = "Launch, Main Lesson, Math Menu and Closure"
        preview_value = {
            "focus": "launch",
            "launch": "A three-problem number string on doubling.",
            "main": "Partners solve a sharing problem and compare strategies.",
            "menu": "Choice of two games and a small group with the teacher.",
            "closure": "Two students share; everyone writes an exit ticket.",
        }


class ReflectionPromptBlock(blocks.StructBlock):
    """A question the learner answers in writing; the answer is private to her."""

    prompt = blocks.TextBlock()
    guidance = blocks.CharBlock(required=False, help_text="Optional hint shown under the prompt")

    class Meta:
        icon = "edit"
        template = "courses/blocks/reflection_placeholder.html"
        description = "A private written reflection"
        preview_value = {"prompt": "Which student's strategy surprised you this week, and why?"}


class CheckOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock()
    is_correct = blocks.BooleanBlock(required=False)
    feedback = blocks.TextBlock(help_text="Shown only to a learner who picks this option")

    class Meta:
        icon = "radio-full"


class CheckForUnderstandingBlock(blocks.StructBlock):
    """Multiple choice with feedback per option. Correctness is checked on the server, never sent ahead."""

    question = blocks.TextBlock()
    # A new check starts with the two options every check needs, so the editor fills them in, not adds them.
    options = blocks.ListBlock(
        CheckOptionBlock(),
        min_num=2,
        default=[{"text": "", "is_correct": False, "feedback": ""} for _ in range(2)],
    )

    def clean(self, value):
        value = super().clean(value)
        if not any(option.get("is_correct") for option in value.get("options") or []):
            raise StructBlockValidationError(
                block_errors={"question": ValidationError("Mark at least one option as correct.")}
            )
        return value

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/check_placeholder.html"
        description = "A multiple-choice check with feedback for each option"


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        description="Formatted text",
    )
    image = CaptionedImageBlock()
    video = VideoBlock()
    document = DocumentLinkBlock()
    callout = CalloutBlock()
    lesson_structure = LessonStructureBlock()
    reflection = ReflectionPromptBlock()
    check = CheckForUnderstandingBlock()
