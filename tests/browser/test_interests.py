"""An administrator tidies the interest vocabulary in a real browser: adds an interest
(after trying a name already in the list) and merges it into another. axe-core checks
each page."""

from __future__ import annotations

from playwright.sync_api import expect

from pathways.core.models import InterestTag, Role
from tests.factories import staff


def test_add_an_interest_and_merge_it_into_another(page, sign_in, axe_check, team):
    admin = staff(Role.ADMIN, team, email="admin@example.org")
    InterestTag.objects.get_or_create(code="retail", defaults={"label": "Retail"})
    retail = InterestTag.objects.get(code="retail")
    sign_in(page, admin.email)
    page.goto("/matching/interests/")
    expect(page.get_by_role("heading", level=1, name="Interests")).to_be_visible()
    axe_check(page)

    page.get_by_label("Name").fill(retail.label.upper())
    page.get_by_role("button", name="Add interest").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"There is already an interest called “{retail.label}”"
    )
    axe_check(page)

    page.get_by_label("Name").fill("Shop work")
    page.get_by_role("button", name="Add interest").click()
    expect(page.get_by_text("“Shop work” added to the list of interests.")).to_be_visible()
    page.get_by_role("link", name="Shop work (change)").click()
    expect(page.get_by_role("heading", level=1, name="Shop work")).to_be_visible()
    axe_check(page)

    page.get_by_label("Merge into").select_option(label=retail.label)
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text(f"“Shop work” merged into “{retail.label}”")).to_be_visible()
    assert not InterestTag.objects.filter(code="shop_work").exists()
