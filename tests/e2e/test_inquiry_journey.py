"""Issue 18: a teacher sorts her class's work, plans Math Menu groups, shares with her coach, runs a follow-up
sort, compares the two and shares the cycle with the network, where a teacher of another district finds it.

One part is done with the keyboard only (moving a piece to a pile with the Move control), one with a mouse
drag (board.js). Every new page is checked with axe and at 375 px wide.
"""

import io
import re

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.conftest import audit, login, logout, screenshot, tab_to

TEACHER = "seat.teacher@example.org"
COACH = "carla.diaz@riverside.k12.example.org"
OTHER_TEACHER = "grade1.teacher@valley.example.org"
PILES = ["Counts by ones", "Groups in tens", "Sees tens and ones"]


def work_images(prefix: str) -> list[dict]:
    """Twelve photographed 'responses to the probe', numbered, never named."""
    files = []
    for n in range(1, 13):
        image = Image.new("RGB", (320, 240), (250, 250, 245))
        draw = ImageDraw.Draw(image)
        for i in range(n):
            draw.rectangle(
                [10 + (i % 10) * 28, 20 + (i // 10) * 40, 30 + (i % 10) * 28, 50 + (i // 10) * 40], outline="black"
            )
        draw.text((10, 200), f"{n} + {n + 10} = {2 * n + 10}", fill="black")
        out = io.BytesIO()
        image.save(out, "JPEG")
        files.append({"name": f"{prefix}-{n}.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()})
    return files


def pile_section(page, name: str):
    return page.locator("section.pile", has=page.get_by_role("heading", name=re.compile(f"^{name}")))


def sort_pieces(page, counts: list[int]) -> None:
    """Move the pieces waiting in Not sorted yet into the piles, `counts` to each, with the Move controls."""
    unsorted = page.locator(".pile--unsorted .piece")
    waiting = unsorted.count()
    for pile, count in zip(PILES, counts, strict=True):
        for _ in range(count):
            piece = unsorted.first
            piece.get_by_role("combobox").select_option(label=pile)
            piece.get_by_role("button", name="Move").click()
            # The board comes back with one piece fewer waiting: only then is the next piece the new page's.
            waiting -= 1
            expect(unsorted).to_have_count(waiting)


def expect_pile_counts(page, counts: list[int]) -> None:
    """Each pile on the board holds `counts` pieces, in the pile and on its badge."""
    for pile, count in zip(PILES, counts, strict=True):
        section = pile_section(page, pile)
        expect(section.locator(".piece")).to_have_count(count)
        expect(section.locator("h3 .badge")).to_have_text(str(count))


def new_sort(page, class_label: str) -> None:
    page.goto("/inquiry/")
    page.get_by_role("link", name="Start a sort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a sort")
    page.get_by_label("Class").fill(class_label)
    page.get_by_label("High Leverage Concept").select_option(label="Grade 1: Tens and ones")
    page.get_by_label("Probe (optional)").select_option(label="Grade 1 place value probe")
    page.get_by_role("button", name="Create the sort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{class_label}: sort the work")


def test_sort_plan_coach_follow_up_compare_and_share(site, page, new_page):
    from members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

    valley = OrganizationFactory(name="Valley School District")
    OrganizationMemberFactory(organization=valley, user=UserFactory(email=OTHER_TEACHER))

    # The district leader names Carla the district's coach.
    login(page, "leader@example.org")
    page.goto("/my-learning/")
    page.get_by_role("link", name=re.compile("Riverside.*dashboard")).click()
    page.get_by_role("button", name="Make coach: Carla Diaz").click()
    expect(page.get_by_text("Carla Diaz is now a coach")).to_be_visible()
    logout(page)

    # A teacher starts a sort for a Grade 1 HLC and uploads twelve pieces of work.
    login(page, TEACHER)
    page.goto("/my-learning/")
    page.get_by_role("link", name="Sorts and inquiry cycles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My sorts and cycles")
    audit(page, name="my sorts and cycles")
    page.get_by_role("link", name="Start a sort").click()
    audit(page, name="start a sort")
    new_sort(page, "Room 12")
    board_url = page.url
    page.get_by_label("Photos or scans of student work").set_input_files(work_images("piece"))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Added 12 pieces of work.")).to_be_visible()
    unsorted = page.locator(".pile--unsorted .piece")
    expect(unsorted).to_have_count(12)
    # Every thumbnail comes through the access check, privately.
    sources = page.locator(".piece img").evaluate_all("images => images.map(i => i.getAttribute('src'))")
    assert len(sources) == 12
    for src in sources:
        response = page.request.get(src)
        assert response.status == 200 and response.headers["content-type"] == "image/jpeg", src
        assert "no-store" in response.headers["cache-control"]
    audit(page, name="sort board")
    screenshot(page, "inquiry-sort-board")

    # Keyboard only: choose a pile for the first piece with the arrow keys and press Move.
    keys = page.keyboard
    tab_to(page, r"^Skip to")
    keys.press("Enter")
    focused = tab_to(page, r"^Move piece 1 to", max_presses=200)
    assert focused["tag"] == "select"
    keys.press("ArrowDown")  # Not sorted yet -> Counts by ones
    tab_to(page, r"^Move$")
    keys.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Piece 1 moved to Counts by ones.")).to_be_visible()

    # Drag and drop with the mouse does the same through the piece's own form (board.js). The piles stand side
    # by side, as tall as the board: she drops the next piece in the first pile's column, level with the piece
    # (the pile's heading may have scrolled out of view, and a drag does not scroll the page).
    first_pile = pile_section(page, "Counts by ones")
    expect(first_pile.locator(".piece")).to_have_count(1)
    dragged = page.locator(".pile--unsorted .piece").first
    dragged_label = dragged.locator("figcaption").inner_text()
    handle = dragged.get_by_role("img")
    handle.scroll_into_view_if_needed()
    source, pile_box = handle.bounding_box(), first_pile.bounding_box()
    level = source["y"] + source["height"] / 2 - pile_box["y"]
    handle.drag_to(first_pile, target_position={"x": pile_box["width"] / 2, "y": level})
    expect(page.locator(".pile--unsorted .piece")).to_have_count(10)
    expect(page.get_by_text(f"{dragged_label} moved to Counts by ones.")).to_be_visible()
    expect(first_pile.locator(".piece")).to_have_count(2)
    sort_pieces(page, [3, 4, 3])
    expect(page.locator(".pile--unsorted .piece")).to_have_count(0)
    expect_pile_counts(page, [5, 4, 3])

    # The summary: counts, notes and the Math Menu groups with their resources.
    page.get_by_role("link", name="Summary and Math Menu plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Room 12: summary and plan")
    counts = page.locator("table").first
    expect(counts.get_by_role("row", name=re.compile("Counts by ones 5"))).to_be_visible()
    expect(counts.get_by_role("row", name=re.compile("Groups in tens 4"))).to_be_visible()
    expect(counts.get_by_role("row", name=re.compile("Sees tens and ones 3"))).to_be_visible()
    # One Math Menu group per pile, each with its pieces and a linked activity for the HLC that opens.
    menu = page.locator("section[aria-labelledby=menu]")
    groups = menu.locator("li.card")
    expect(groups).to_have_count(3)
    for pile, group_size in zip(PILES, [5, 4, 3], strict=True):
        group = groups.filter(has=page.get_by_role("heading", name=pile, exact=True))
        expect(group.get_by_text(re.compile(r"^Pieces: "))).to_have_text(
            re.compile(rf"^Pieces: (\w+, ){{{group_size - 1}}}\w+$")
        )
        activity = group.get_by_role("link", name=re.compile("Race to 100|place value stations"))
        expect(activity).to_be_visible()
        href = activity.get_attribute("href")
        assert page.request.get(href).status == 200, href
    page.get_by_role("textbox", name="What are they showing us?").fill("Five still count every cube by ones.")
    page.get_by_role("textbox", name="What are they telling us?").fill("Tens are not yet a unit for them.")
    page.get_by_role("textbox", name="Next teacher-table focus").fill("Bundling sticks into tens with the first pile.")
    page.get_by_role("button", name="Save notes and plan").click()
    expect(page.get_by_text("Notes and plan saved.")).to_be_visible()
    audit(page, name="sort summary")
    screenshot(page, "inquiry-sort-summary")
    page.get_by_role("combobox", name="Coach").select_option(label="Carla Diaz")
    page.get_by_role("button", name="Share this sort").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("shared by")
    audit(page, name="shared sort")
    logout(page)

    # The coach reads it, sees the work, and comments.
    login(page, COACH)
    page.goto("/inquiry/")
    page.get_by_role("link", name=re.compile("Sofia Nguyen: Sort")).click()
    page.get_by_role("link", name="Open the board with the student work").click()
    expect(page.locator(".piece img")).to_have_count(12)
    expect(page.get_by_role("button", name="Move")).to_have_count(0)
    expect_pile_counts(page, [5, 4, 3])
    assert page.request.get(sources[0]).status == 200
    audit(page, name="coach's view of the board")
    page.go_back()
    page.get_by_role("textbox", name="Your comment").fill("Try a ten-frame flash each morning with the first pile.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_text("Comment sent.")).to_be_visible()
    audit(page, name="coach comment")
    logout(page)

    # The teacher reads the comment, starts a cycle, and runs the follow-up sort.
    login(page, TEACHER)
    page.goto("/inquiry/")
    page.locator("section[aria-labelledby=my-shares]").get_by_role("link").first.click()
    expect(page.get_by_text("Try a ten-frame flash each morning")).to_be_visible()
    page.goto("/inquiry/")
    page.get_by_role("link", name=re.compile("^Room 12: Grade 1")).click()
    page.get_by_role("link", name="Summary and Math Menu plan").click()
    page.get_by_role("link", name="Start a cycle with this sort as the baseline").click()
    audit(page, name="start a cycle")
    page.get_by_role("textbox", name="Your question about a practice").fill(
        "Will a daily ten-frame flash move students from counting by ones to groups of ten?"
    )
    page.get_by_role("combobox", name="Kind of cycle").select_option(label="Rapid cycle of inquiry")
    page.get_by_role("button", name="Start the cycle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("daily ten-frame flash")
    cycle_url = page.url

    new_sort(page, "Room 12 in May")
    page.get_by_label("Photos or scans of student work").set_input_files(work_images("may"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".pile--unsorted .piece")).to_have_count(12)
    sort_pieces(page, [2, 4, 6])
    expect_pile_counts(page, [2, 4, 6])

    page.goto(cycle_url)
    page.get_by_role("combobox", name="Follow-up sort").select_option(label="Room 12 in May: Tens and ones")
    page.get_by_role("textbox", name="Practice tried").fill("A ten-frame flash every morning for three weeks.")
    page.get_by_role("checkbox", name="Race to 100").check()
    page.get_by_role("textbox", name="Result").fill("Fewer students count by ones; more see tens and ones.")
    page.get_by_role("button", name="Save and finish the cycle").click()
    expect(page.get_by_text("Cycle finished.")).to_be_visible()
    table = page.locator("table[data-comparison]")
    expect(table.get_by_role("row", name=re.compile("Counts by ones 5 2"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Sees tens and ones 3 6"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Groups in tens 4 4"))).to_be_visible()
    # The chart draws the same numbers: a before and an after bar per pile.
    chart = page.locator(".bars--paired")
    expect(chart).to_be_visible()
    for pile, before, after in zip(PILES, [5, 4, 3], [2, 4, 6], strict=True):
        row = chart.locator(".bars__row", has_text=pile)
        expect(row.locator(".bars__value")).to_have_text([str(before), str(after)])
        expect(row.locator(".bars__bar--before")).to_be_visible()
        expect(row.locator(".bars__bar--after")).to_be_visible()
    audit(page, name="cycle with before/after chart")
    screenshot(page, "inquiry-cycle-chart")

    # She shares the finished cycle with the network; it counts on her transcript.
    page.get_by_role("radio", name="The whole network").check()
    page.get_by_role("button", name="Save sharing").click()
    expect(page.get_by_text("Shared with: The whole network.")).to_be_visible()
    page.goto("/my-learning/transcript/")
    expect(page.get_by_role("link", name=re.compile("Inquiry cycle: Will a daily ten-frame"))).to_be_visible()
    logout(page)

    # A teacher in another district finds it by grade and HLC.
    login(page, OTHER_TEACHER)
    page.goto("/inquiry/shared/")
    page.get_by_role("combobox", name="Grade", exact=True).select_option(label="Grade 1")
    page.get_by_role("combobox", name="High Leverage Concept").select_option(label="Grade 1: Tens and ones")
    page.get_by_role("button", name="Find cycles").click()
    audit(page, name="shared cycles")
    page.get_by_role("link", name=re.compile("daily ten-frame flash")).click()
    expect(page.locator("table[data-comparison]")).to_contain_text("Counts by ones")
    expect(
        page.locator("table[data-comparison]").get_by_role("row", name=re.compile("Counts by ones 5 2"))
    ).to_be_visible()
    # The practice and the result travel; the student work, the class and its pieces do not.
    expect(page.get_by_text("A ten-frame flash every morning for three weeks.")).to_be_visible()
    expect(page.locator(".piece")).to_have_count(0)
    expect(page.locator("main img")).to_have_count(0)
    expect(page.get_by_text("Room 12")).to_have_count(0)
    assert page.request.get(sources[0]).status == 404
    assert page.request.get(board_url).status == 404
    audit(page, name="shared cycle")
    screenshot(page, "inquiry-shared-cycle")
