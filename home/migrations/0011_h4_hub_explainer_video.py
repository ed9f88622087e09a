"""A hub's explainer becomes the site's video block (file, captions, transcript); a link and its
transcript move into it, so no hub loses its video."""

import uuid

import wagtail.fields
from django.db import migrations
from django.utils.html import linebreaks


def link_into_video_block(apps, schema_editor):
    ConceptPage = apps.get_model("home", "ConceptPage")
    for page in ConceptPage.objects.exclude(explainer_video="", explainer_transcript=""):
        value = {
            "title": "",
            "file": None,
            "embed": page.explainer_video or None,
            "captions": None,
            "transcript": linebreaks(page.explainer_transcript, autoescape=True) if page.explainer_transcript else "",
        }
        page.explainer = [{"type": "video", "value": value, "id": str(uuid.uuid4())}]
        page.save(update_fields=["explainer"])


def video_block_into_link(apps, schema_editor):
    ConceptPage = apps.get_model("home", "ConceptPage")
    for page in ConceptPage.objects.all():
        for block in page.explainer.raw_data:
            page.explainer_video = block["value"].get("embed") or ""
            page.save(update_fields=["explainer_video"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0010_video_block_and_what_now"),
    ]

    operations = [
        migrations.AddField(
            model_name="conceptpage",
            name="explainer",
            field=wagtail.fields.StreamField(
                [("video", 5)],
                blank=True,
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"required": False}),
                    1: (
                        "wagtail.documents.blocks.DocumentChooserBlock",
                        (),
                        {
                            "help_text": "An uploaded MP4 file; it is served only to people who may open this page.",
                            "required": False,
                        },
                    ),
                    2: (
                        "wagtail.embeds.blocks.EmbedBlock",
                        (),
                        {"help_text": "Or a YouTube or Vimeo link", "required": False},
                    ),
                    3: (
                        "wagtail.documents.blocks.DocumentChooserBlock",
                        (),
                        {
                            "help_text": "Captions for the uploaded file: a WebVTT (.vtt) document in English.",
                            "required": False,
                        },
                    ),
                    4: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": ["bold", "italic", "link", "ol", "ul"],
                            "help_text": "Shown below the player; a transcript makes the video usable for everyone.",
                            "required": False,
                        },
                    ),
                    5: (
                        "wagtail.blocks.StructBlock",
                        [[("title", 0), ("file", 1), ("embed", 2), ("captions", 3), ("transcript", 4)]],
                        {},
                    ),
                },
                help_text="An MP4 with WebVTT captions and a transcript (or a YouTube or Vimeo link).",
                verbose_name="explainer video",
            ),
        ),
        migrations.RunPython(link_into_video_block, video_block_into_link),
        migrations.RemoveField(
            model_name="conceptpage",
            name="explainer_transcript",
        ),
        migrations.RemoveField(
            model_name="conceptpage",
            name="explainer_video",
        ),
    ]
