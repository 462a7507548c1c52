"""Bulletin Board: post, read, reply, delete your own; bad input; escaping."""

import re

from tests.helpers import submit


def post(client, title="Hello", body="First post"):
    response = submit(client, "/bulletin/new", data={"title": title, "body": body})
    assert response.status_code == 302
    return int(re.search(r"/bulletin/(\d+)$", response.headers["Location"]).group(1))


def test_post_read_reply(alice, bob):
    post_id = post(alice, "Lunch", "Pizza at 12?\nReply below.")
    assert "Lunch" in bob.get("/bulletin/").get_data(as_text=True)
    assert "Lunch" in bob.get("/").get_data(as_text=True)
    response = submit(bob, f"/bulletin/{post_id}", f"/bulletin/{post_id}/reply", {"body": "Yes!"})
    assert response.status_code == 302
    page = alice.get(f"/bulletin/{post_id}").get_data(as_text=True)
    assert "Pizza at 12?\nReply below." in page
    assert "Yes!" in page and "Bob Clark" in page


def test_bad_input_is_explained_and_kept(alice):
    response = submit(alice, "/bulletin/new", data={"title": "", "body": "my long text"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give the post a title." in page
    assert "my long text" in page
    post_id = post(alice)
    empty = submit(alice, f"/bulletin/{post_id}", f"/bulletin/{post_id}/reply", {"body": ""})
    assert empty.status_code == 400
    assert "Write a reply." in empty.get_data(as_text=True)


def test_only_the_author_deletes(alice, bob):
    post_id = post(alice)
    assert submit(bob, f"/bulletin/{post_id}", f"/bulletin/{post_id}/delete").status_code == 403
    assert "Delete post" not in bob.get(f"/bulletin/{post_id}").get_data(as_text=True)
    assert submit(alice, f"/bulletin/{post_id}", f"/bulletin/{post_id}/delete").status_code == 302
    assert alice.get(f"/bulletin/{post_id}").status_code == 404


def test_deleting_own_reply(alice, bob):
    post_id = post(alice)
    submit(bob, f"/bulletin/{post_id}", f"/bulletin/{post_id}/reply", {"body": "Oops"})
    page = bob.get(f"/bulletin/{post_id}").get_data(as_text=True)
    reply_id = int(re.search(r"/bulletin/reply/(\d+)/delete", page).group(1))
    url = f"/bulletin/reply/{reply_id}/delete"
    assert submit(alice, f"/bulletin/{post_id}", url).status_code == 403
    assert submit(bob, f"/bulletin/{post_id}", url).status_code == 302
    assert "Oops" not in bob.get(f"/bulletin/{post_id}").get_data(as_text=True)


def test_deleting_a_post_deletes_its_replies(alice, bob, app):
    post_id = post(alice)
    submit(bob, f"/bulletin/{post_id}", f"/bulletin/{post_id}/reply", {"body": "R"})
    submit(alice, f"/bulletin/{post_id}", f"/bulletin/{post_id}/delete")
    from portal.db import get_db

    with app.app_context():
        assert get_db("bulletin.db").execute("SELECT count(*) FROM replies").fetchone()[0] == 0


def test_text_is_escaped(alice, bob):
    post_id = post(alice, "<b>bold</b>", "<img src=x onerror=alert(1)>")
    page = bob.get(f"/bulletin/{post_id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>bold</b>" not in bob.get("/bulletin/").get_data(as_text=True)


def test_paging(alice):
    for n in range(21):
        post(alice, f"Post {n:02d}")
    first = alice.get("/bulletin/").get_data(as_text=True)
    assert "Post 20" in first and "Post 00" not in first and "Older" in first
    second = alice.get("/bulletin/?page=2").get_data(as_text=True)
    assert "Post 00" in second
