"""A teacher's sort: suggested piles, clean uploads, moving pieces, the summary and its Math Menu plan."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inquiry import services
from inquiry.models import Piece
from inquiry.uploads import looks_like_a_name

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def _sort(world):
    return services.sort_create(owner=world["teacher"], class_label="Room 12", concept=world["concept"])


def test_a_new_sort_gets_the_hlcs_suggested_piles_and_her_district(world):
    sort = _sort(world)
    assert [p.name for p in sort.piles.all()] == ["Counts by ones", "Groups in tens", "Sees tens and ones"]
    assert sort.organization == world["district"]


def test_upload_strips_exif_and_turns_the_photo_upright(world):
    sort = _sort(world)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0132] = "2026:11:30 09:15:00"  # when the photo was taken
    created, refused = services.pieces_add(sort=sort, files=[jpeg("12.jpg", size=(200, 100), exif=exif.tobytes())])
    assert refused == []
    stored = Image.open(created[0].file.open("rb"))
    assert stored.size == (100, 200)  # upright: the orientation was applied before the tag was dropped
    assert not stored.getexif()
    assert "exif" not in stored.info
    raw = created[0].file.open("rb").read()
    assert b"PhoneMaker" not in raw and b"Exif" not in raw


def test_png_keeps_no_text_chunks(world):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Maria Lopez")
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(out, "PNG", pnginfo=info)
    created, _ = services.pieces_add(
        sort=_sort(world), files=[SimpleUploadedFile("3.png", out.getvalue(), content_type="image/png")]
    )
    assert b"Maria" not in created[0].file.open("rb").read()
    assert created[0].content_type == "image/png"


@pytest.mark.parametrize("name", ["Maria Lopez.jpg", "maria_Lopez Smith.png", "Work - Jonah Park.jpg"])
def test_file_names_that_look_like_a_student_are_refused_with_a_warning(world, name):
    created, refused = services.pieces_add(sort=_sort(world), files=[jpeg(name)])
    assert created == []
    assert "looks like a student's name" in refused[0]


@pytest.mark.parametrize("text", ["7", "piece-7", "IMG_2041", "Student 7", "Fox", "scan 3"])
def test_numbers_and_one_word_pseudonyms_are_fine(text):
    assert not looks_like_a_name(text)


def test_something_that_is_not_an_image_or_pdf_is_refused(world):
    fake = SimpleUploadedFile("4.jpg", b"GIF89a not really", content_type="image/jpeg")
    created, refused = services.pieces_add(sort=_sort(world), files=[fake])
    assert created == [] and "JPEG, PNG, HEIC or PDF" in refused[0]


def test_a_tablets_heic_photo_is_kept_as_a_clean_jpeg(world):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "HEIF")
    created, refused = services.pieces_add(
        sort=_sort(world), files=[SimpleUploadedFile("IMG_0001.HEIC", out.getvalue(), content_type="image/heic")]
    )
    assert refused == []
    assert created[0].content_type == "image/jpeg" and created[0].file.name.endswith(".jpg")
    assert Image.open(created[0].file.open("rb")).format == "JPEG"


def test_each_pdf_page_becomes_a_piece_without_the_documents_metadata(world):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Maria Lopez"})
    out = io.BytesIO()
    writer.write(out)
    created, refused = services.pieces_add(
        sort=_sort(world), files=[SimpleUploadedFile("scans.pdf", out.getvalue(), content_type="application/pdf")]
    )
    assert refused == [] and len(created) == 2
    for piece in created:
        data = piece.file.open("rb").read()
        assert b"Maria" not in data
        assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_too_many_files_at_once_is_a_sentence(world, settings):
    settings.INQUIRY_MAX_FILES_PER_UPLOAD = 2
    with pytest.raises(services.InquiryError, match="at most 2 files"):
        services.pieces_add(sort=_sort(world), files=[jpeg("1.jpg"), jpeg("2.jpg"), jpeg("3.jpg")])


def test_too_large_a_file_is_refused(world, settings):
    settings.INQUIRY_MAX_FILE_BYTES = 100
    created, refused = services.pieces_add(sort=_sort(world), files=[jpeg("1.jpg")])
    assert created == [] and "larger than" in refused[0]


def test_student_work_is_stored_outside_media_root(world, settings, _student_work_root):
    created, _ = services.pieces_add(sort=_sort(world), files=[jpeg()])
    path = created[0].file.path
    assert path.startswith(str(_student_work_root))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_moving_pieces_counts_each_pile(world, client):
    sort = _sort(world)
    pieces, _ = services.pieces_add(sort=sort, files=[jpeg(f"{n}.jpg") for n in range(1, 5)])
    ones, tens, _ = sort.piles.all()
    client.force_login(world["teacher"])
    for piece, pile in zip(pieces, [ones, ones, tens, None], strict=True):
        response = client.post(
            reverse("inquiry:sort_move", args=[sort.pk]), {"piece": piece.pk, "pile": pile.pk if pile else ""}
        )
        assert response.status_code == 302
    ones.refresh_from_db()
    tens.refresh_from_db()
    assert (ones.piece_count, tens.piece_count) == (2, 1)
    assert Piece.objects.filter(sort=sort, pile__isnull=True).count() == 1
    board = client.get(reverse("inquiry:sort", args=[sort.pk]))
    assert board.status_code == 200
    html = board.content.decode()
    assert 'draggable="true"' in html and "Move piece 1 to" in html and "inquiry/board.js" in html


def test_a_piece_cannot_move_to_another_sorts_pile(world, client):
    sort, other = _sort(world), _sort(world)
    pieces, _ = services.pieces_add(sort=sort, files=[jpeg()])
    client.force_login(world["teacher"])
    response = client.post(
        reverse("inquiry:sort_move", args=[sort.pk]), {"piece": pieces[0].pk, "pile": other.piles.first().pk}
    )
    assert response.status_code == 404


def test_piles_are_editable_and_a_removed_piles_pieces_go_back(world, client):
    sort = _sort(world)
    pieces, _ = services.pieces_add(sort=sort, files=[jpeg()])
    pile = sort.piles.first()
    services.piece_move(piece=pieces[0], pile=pile)
    client.force_login(world["teacher"])
    url = reverse("inquiry:sort_piles", args=[sort.pk])
    client.post(url, {"action": "add", "name": "Uses a hundred chart"})
    client.post(url, {"action": "save", "pile": pile.pk, "name": "Counts by ones", "note": "Most of the class"})
    pile.refresh_from_db()
    assert pile.note == "Most of the class"
    assert sort.piles.filter(name="Uses a hundred chart").exists()
    client.post(url, {"action": "delete", "pile": pile.pk})
    pieces[0].refresh_from_db()
    assert pieces[0].pile is None


def test_a_label_that_looks_like_a_name_is_refused(world):
    pieces, _ = services.pieces_add(sort=_sort(world), files=[jpeg()])
    with pytest.raises(services.InquiryError, match="student's name"):
        services.piece_relabel(piece=pieces[0], label="Jonah Park")
    assert services.piece_relabel(piece=pieces[0], label="Otter").label == "Otter"


def test_summary_plans_math_menu_groups_with_the_hlcs_menu_resources(world, client):
    sort = _sort(world)
    pieces, _ = services.pieces_add(sort=sort, files=[jpeg(f"{n}.jpg") for n in range(1, 4)])
    piles = list(sort.piles.all())
    for piece, pile in zip(pieces, piles, strict=True):
        services.piece_move(piece=piece, pile=pile)
    client.force_login(world["teacher"])
    url = reverse("inquiry:sort_summary", args=[sort.pk])
    response = client.post(
        url, {"showing": "Half count by ones", "telling": "They trust counting", "next_focus": "Ten-frames"}
    )
    assert response.status_code == 302
    page = client.get(url)
    html = page.content.decode()
    race = world["activities"][0]
    assert race.title in html and race.url in html
    groups = page.context["groups"]
    assert [g.labels for g in groups] == [["1"], ["2"], ["3"]]
    assert all(g.activity in world["activities"] for g in groups)
    assert "What are they showing us?" in html and "Ten-frames" in html
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    # She picks the activity for a group.
    client.post(
        reverse("inquiry:sort_piles", args=[sort.pk]),
        {
            "action": "save",
            "pile": piles[0].pk,
            "name": piles[0].name,
            "note": "",
            "menu_activity": world["activities"][1].pk,
        },
    )
    piles[0].refresh_from_db()
    assert piles[0].menu_activity == world["activities"][1]


def test_the_owner_gets_her_piece_privately(world, client):
    pieces, _ = services.pieces_add(sort=_sort(world), files=[jpeg()])
    client.force_login(world["teacher"])
    response = client.get(reverse("inquiry:piece_file", args=[pieces[0].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_upload_view_shows_the_name_warning(world, client):
    sort = _sort(world)
    client.force_login(world["teacher"])
    response = client.post(
        reverse("inquiry:sort_upload", args=[sort.pk]), {"files": [jpeg("Maria Lopez.jpg"), jpeg("2.jpg")]}, follow=True
    )
    html = response.content.decode()
    assert "looks like a student&#x27;s name" in html or "looks like a student's name" in html
    assert sort.pieces.count() == 1


def test_class_label_that_looks_like_a_name_is_refused(world, client):
    client.force_login(world["teacher"])
    response = client.post(reverse("inquiry:sort_new"), {"class_label": "Jonah Park", "concept": world["concept"].pk})
    assert response.status_code == 200
    assert "student" in response.content.decode()


def test_a_failed_upload_leaves_no_file_behind(world, _student_work_root, monkeypatch):
    from django.db import DatabaseError

    sort = _sort(world)
    calls = {"n": 0}
    original = Piece.save

    def fail_on_second(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("the database went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Piece, "save", fail_on_second)
    with pytest.raises(DatabaseError):
        services.pieces_add(sort=sort, files=[jpeg("1.jpg"), jpeg("2.jpg")])
    stored = [p for p in _student_work_root.rglob("*") if p.is_file()]
    assert stored == []


def test_the_board_and_summary_cost_the_same_queries_for_3_or_12_pieces(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        sort = _sort(world)
        pieces, _ = services.pieces_add(sort=sort, files=[jpeg(f"{i}.jpg") for i in range(1, n + 1)])
        for piece, pile in zip(pieces, list(sort.piles.all()) * n, strict=False):
            services.piece_move(piece=piece, pile=pile)
        counts = []
        for name in ("inquiry:sort", "inquiry:sort_summary"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name, args=[sort.pk])).status_code == 200
            counts.append(len(captured))
        return counts

    client.force_login(world["teacher"])
    queries(1)  # warm the per-process caches (site root paths, content types)
    assert queries(3) == queries(12)


def test_a_sort_started_from_an_hlc_hub_has_the_concept_chosen(world, client):
    client.force_login(world["teacher"])
    response = client.get(reverse("inquiry:sort_new"), {"hlc": world["concept"].pk})
    assert response.context["form"]["concept"].value() == world["concept"].pk
    assert client.get(reverse("inquiry:sort_new"), {"hlc": "nonsense"}).status_code == 200
