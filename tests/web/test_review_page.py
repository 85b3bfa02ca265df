"""The review page in a real headless Chromium, against a Maildir and a real Dovecot."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from introgate.backends import FolderRole
from introgate.demo import linkedin_invitation

from .conftest import HOSTILE_NAME, HOSTILE_NOTE, Mailbox, ReviewServer, save_screenshot

JAMES = "https://www.linkedin.com/comm/in/jamesobrien"
ANNA = "https://www.linkedin.com/comm/in/anna-schaefer-7b21"


def card(page: Page, name: str) -> Locator:
    return page.locator("article.card", has=page.locator(".name", has_text=name))


def question_box(page: Page, name: str) -> Locator:
    """The card's text box, once its draft is read (cards load theirs when in view)."""
    area = card(page, name).locator("textarea")
    area.scroll_into_view_if_needed()
    expect(area).to_be_enabled(timeout=10_000)
    return area


def in_group(page: Page, group: str, name: str) -> Locator:
    return page.locator(f"#g-{group} article.card", has=page.locator(".name", has_text=name))


def draft_id(mailbox: Mailbox, person: str) -> str:
    return str(mailbox.requests()[person]["draft_id"])


def test_the_queue_shows_the_demos_requests_by_state(
    page: Page, mailbox: Mailbox, context: BrowserContext
) -> None:
    expected = {
        "asked": [
            "Anna Schäfer",
            "James O'Brien",
            "Katrin Weiß",
            "Chris Miller",
            "Sam Lee",
            "lena@norden.social",
            HOSTILE_NAME,
        ],
        "noted": ["Priya Raman", "Jörg Müller", "Tom Becker", "Eve Noter"],
        "known": ["Maria Gonzalez"],
    }
    for group, names in expected.items():
        for name in names:
            expect(in_group(page, group, name)).to_have_count(1)
    # the forged "LinkedIn Security" invitation is flagged in the mailbox, never reviewed
    expect(card(page, "LinkedIn Security")).to_have_count(0)
    if mailbox.kind == "maildir":  # the page as it opens, before any scrolling
        expect(page.locator("article.card textarea").first).to_be_enabled(timeout=10_000)
        save_screenshot(page, "review-page-1280x800.png")
        phone = context.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(page.url)
        expect(phone.locator("article.card textarea").first).to_be_enabled(timeout=10_000)
        save_screenshot(phone, "review-page-390x844.png")
    anna = card(page, "Anna Schäfer")
    expect(anna.locator(".net")).to_have_text("LinkedIn")
    expect(anna.locator("a.name")).to_have_attribute("href", ANNA)
    expect(anna.locator(".meta")).to_contain_text("3 mutual")
    question = question_box(page, "Anna Schäfer").input_value()
    assert question.startswith("Hallo Anna,")
    assert "linkedin.com" not in question  # introgate's lines for the user are not the question
    expect(card(page, "Priya Raman").locator("blockquote.note")).to_contain_text(
        "we met at the Data Summit in Berlin"
    )
    expect(page.locator("#g-asked .count")).to_have_text("7")


def test_i_know_this_person_moves_the_card_and_writes_the_allowlist_and_undo_takes_it_back(
    page: Page, mailbox: Mailbox
) -> None:
    draft = draft_id(mailbox, "James O'Brien")
    card(page, "James O'Brien").get_by_role("button", name="I know this person").click()

    expect(in_group(page, "known", "James O'Brien")).to_have_count(1)
    expect(in_group(page, "asked", "James O'Brien")).to_have_count(0)
    expect(page.locator("#status")).to_contain_text(
        "James O'Brien (linkedin) added to the allowlist"
    )
    allowlist = (mailbox.directory / "allowlist.txt").read_text(encoding="utf-8")
    assert f"linkedin:{JAMES}" in allowlist.splitlines()
    assert mailbox.requests()["James O'Brien"]["state"] == "known"
    assert draft not in mailbox.message_ids(FolderRole.DRAFTS)
    assert mailbox.message_ids(FolderRole.TRASH) == [draft]

    in_group(page, "known", "James O'Brien").get_by_role("button", name="Undo").click()

    expect(in_group(page, "asked", "James O'Brien")).to_have_count(1)
    assert f"linkedin:{JAMES}" not in (mailbox.directory / "allowlist.txt").read_text().splitlines()
    assert mailbox.requests()["James O'Brien"]["state"] == "asked"
    assert mailbox.message_ids(FolderRole.DRAFTS).count(draft) == 1
    assert mailbox.message_ids(FolderRole.TRASH) == []


def test_ignore_by_keyboard_moves_the_draft_to_trash(page: Page, mailbox: Mailbox) -> None:
    draft = draft_id(mailbox, "Katrin Weiß")
    card(page, "Chris Miller").locator(".meta").click()  # selects the card
    page.keyboard.press("j")  # Katrin Weiß's card is the next one
    expect(card(page, "Katrin Weiß")).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("k")
    expect(card(page, "Chris Miller")).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("j")
    page.keyboard.press("x")

    expect(in_group(page, "dismissed", "Katrin Weiß")).to_have_count(1)
    assert draft not in mailbox.message_ids(FolderRole.DRAFTS)
    assert mailbox.message_ids(FolderRole.TRASH) == [draft]
    assert mailbox.requests()["Katrin Weiß"]["state"] == "dismissed"


def test_editing_the_text_leaves_exactly_one_updated_draft(page: Page, mailbox: Mailbox) -> None:
    draft = draft_id(mailbox, "Chris Miller")
    area = question_box(page, "Chris Miller")
    edited = "Hi Chris,\n\nwhere do we know each other from? The Kiel meetup?\n\nAlex"
    area.fill(edited)
    page.keyboard.press("Escape")  # leaves the text box: the edit is saved

    expect(page.locator("#status")).to_contain_text("updated in")
    drafts = [m for m in mailbox.messages(FolderRole.DRAFTS) if str(m["Message-ID"]) == draft]
    assert len(drafts) == 1
    body = drafts[0].get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert edited in text.replace("\r\n", "\n")
    assert text.startswith("https://www.facebook.com/")  # the lines for the user stay on top
    assert mailbox.message_ids(FolderRole.TRASH) == [draft]  # the replaced one, not deleted

    page.reload()
    expect(card(page, "Chris Miller").locator("textarea")).to_have_value(edited + "\n")


def test_copy_and_open_profile_opens_the_profile_copies_the_text_and_marks_it_sent(
    page: Page, context: BrowserContext, mailbox: Mailbox
) -> None:
    context.route(
        "https://www.linkedin.com/**",
        lambda route: route.fulfill(body="<p>profile</p>", content_type="text/html"),
    )
    question = question_box(page, "Anna Schäfer").input_value()
    with context.expect_page() as opened:
        card(page, "Anna Schäfer").get_by_role("button", name="Copy and open profile").click()
    assert opened.value.url == ANNA

    expect(in_group(page, "waiting", "Anna Schäfer")).to_have_count(1)
    assert page.evaluate("navigator.clipboard.readText()") == question
    assert mailbox.requests()["Anna Schäfer"]["state"] == "question_sent"

    in_group(page, "waiting", "Anna Schäfer").get_by_role("button", name="Undo").click()
    expect(in_group(page, "asked", "Anna Schäfer")).to_have_count(1)
    assert mailbox.requests()["Anna Schäfer"]["state"] == "asked"


def test_a_hostile_name_shows_as_text_and_runs_nothing(page: Page, mailbox: Mailbox) -> None:
    hostile = page.locator("article.card .name", has_text=HOSTILE_NAME)
    expect(hostile).to_have_count(1)
    expect(hostile).to_have_text(HOSTILE_NAME)
    note = card(page, "Eve Noter").locator("blockquote.note")
    expect(note).to_contain_text(HOSTILE_NOTE)
    assert page.locator("article.card img, article.card b, main script").count() == 0
    # the page fixture fails the test if any alert() ran


def test_live_update_shows_a_new_request_without_a_reload(page: Page, mailbox: Mailbox) -> None:
    mailbox.deliver(
        linkedin_invitation(
            "Nora Feld", "nora-feld", "CTO", language="en", note=None, minutes_ago=1
        ).as_bytes()
    )
    mailbox.run_pass()
    expect(in_group(page, "asked", "Nora Feld")).to_have_count(1, timeout=10_000)


def post(url: str, cookie: str | None = None, csrf: str | None = None) -> int:
    request = urllib.request.Request(url, data=b"{}", method="POST")  # noqa: S310 - http only
    request.add_header("Content-Type", "application/json")
    if cookie:
        request.add_header("Cookie", cookie)
    if csrf:
        request.add_header("X-CSRF-Token", csrf)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_post_without_the_csrf_token_or_the_access_token_is_refused(
    page: Page, context: BrowserContext, server: ReviewServer, mailbox: Mailbox
) -> None:
    request_id = mailbox.requests()["Sam Lee"]["id"]
    url = f"{server.base}/requests/{request_id}/ignore"
    [session] = [c for c in context.cookies() if c["name"] == "introgate_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    cookie = f"introgate_session={session['value']}"
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")

    assert post(url) == 403  # no session: the access token was never shown
    assert post(url, cookie=cookie) == 403  # a session, but no CSRF token
    assert post(url, cookie=cookie, csrf="forged") == 403
    assert post(url, cookie="introgate_session=guessed", csrf=csrf) == 403
    assert mailbox.requests()["Sam Lee"]["state"] == "asked"


def test_a_wrong_or_missing_access_token_gets_no_page(
    browser: Browser, server: ReviewServer, mailbox: Mailbox
) -> None:
    stranger = browser.new_context()
    try:
        page = stranger.new_page()
        for url in (f"{server.base}/?token=wrong", f"{server.base}/"):
            response = page.goto(url)
            assert response is not None and response.status == 403
            expect(page.locator("main")).to_contain_text("introgate web --url")
            assert page.locator("article.card").count() == 0
            assert "Anna" not in page.content()
    finally:
        stranger.close()
    assert mailbox.kind in ("maildir", "imap")
