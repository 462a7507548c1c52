"""Scheduler: add, edit, delete; day and week views; bad input; privacy."""

import re

from tests.helpers import PASSWORD, login, submit


def add(client, **data):
    """Add an event and land on the next page as a browser would (that shows the flash)."""
    response = submit(client, "/scheduler/new", data=data)
    if response.status_code == 302:
        client.get(response.headers["Location"])
    return response


def event_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/scheduler/(\d+)"', page)]


def test_add_event_shows_on_day_week_and_portal(alice):
    response = add(
        alice, day="2026-11-27", start_time="14:00", end_time="15:30", title="Budget", memo="R2"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/scheduler/?date=2026-11-27"
    day = alice.get("/scheduler/?date=2026-11-27").get_data(as_text=True)
    assert "14:00–15:30" in day and "Budget" in day and "R2" in day
    week = alice.get("/scheduler/week?date=2026-11-29").get_data(as_text=True)
    assert "Week of 23 November 2026" in week and "Budget" in week
    assert "Budget" in alice.get("/").get_data(as_text=True)  # today, by the injected clock


def test_all_day_events_come_first(alice):
    add(alice, day="2026-11-28", start_time="08:00", title="Early")
    add(alice, day="2026-11-28", title="Holiday")
    page = alice.get("/scheduler/?date=2026-11-28").get_data(as_text=True)
    assert page.index("Holiday") < page.index("Early")
    assert "All day" in page


def test_portal_shows_only_todays_events(alice, clock):
    add(alice, day="2026-11-28", title="Tomorrow thing")
    assert "Tomorrow thing" not in alice.get("/").get_data(as_text=True)
    clock.advance(days=1)
    login(alice, "alice", PASSWORD)  # yesterday's session has expired
    assert "Tomorrow thing" in alice.get("/").get_data(as_text=True)


def test_bad_input_is_explained_and_kept(alice):
    response = add(alice, day="2026-13-01", start_time="25:00", end_time="", title="", memo="m!")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Not a valid date value." in page
    assert "Give the time as HH:MM in 24 hours, e.g. 09:30 or 18:00." in page
    assert "Give the event a title." in page
    assert 'value="2026-13-01"' in page and "m!" in page


def test_end_must_follow_start(alice):
    page = add(alice, day="2026-11-27", start_time="10:00", end_time="09:00", title="X")
    assert "The end time must be after the start time." in page.get_data(as_text=True)
    page = add(alice, day="2026-11-27", end_time="09:00", title="X")
    assert "An end time needs a start time." in page.get_data(as_text=True)


def test_edit_and_delete(alice):
    add(alice, day="2026-11-27", title="Draft")
    (event_id,) = event_ids(alice.get("/scheduler/").get_data(as_text=True))
    response = submit(
        alice, f"/scheduler/{event_id}", data={"day": "2026-11-30", "title": "Moved", "memo": ""}
    )
    assert response.headers["Location"] == "/scheduler/?date=2026-11-30"
    assert "Moved" in alice.get("/scheduler/?date=2026-11-30").get_data(as_text=True)
    deleted = submit(alice, f"/scheduler/{event_id}", f"/scheduler/{event_id}/delete")
    assert deleted.status_code == 302
    assert "Deleted “Moved”." in alice.get(deleted.headers["Location"]).get_data(as_text=True)
    assert "Moved" not in alice.get("/scheduler/?date=2026-11-30").get_data(as_text=True)


def test_others_cannot_touch_my_events(alice, bob):
    add(alice, day="2026-11-27", title="Mine")
    (event_id,) = event_ids(alice.get("/scheduler/").get_data(as_text=True))
    assert "Mine" not in bob.get("/scheduler/").get_data(as_text=True)
    assert bob.get(f"/scheduler/{event_id}").status_code == 404
    assert submit(bob, "/scheduler/", f"/scheduler/{event_id}/delete").status_code == 404


def test_bad_date_in_the_address_shows_today_with_a_message(alice):
    response = alice.get("/scheduler/week?date=yesterday")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is not a date the calendar shows" in page
    assert "Week of 23 November 2026" in page


def test_dates_at_the_ends_of_the_calendar(alice):
    for url in ("/scheduler/?date=9999-12-31", "/scheduler/week?date=0001-01-01"):
        response = alice.get(url)
        assert response.status_code == 200
        assert "showing today" in response.get_data(as_text=True)
    assert alice.get("/scheduler/?date=2999-12-31").status_code == 200
    response = add(alice, day="9999-12-31", title="Far")
    assert response.status_code == 400
    assert "Give a date between 1900 and 2999." in response.get_data(as_text=True)
