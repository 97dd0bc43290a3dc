"""What the server tells the browser's drafts (accounts.drafts, static/js/drafts.js)."""

import re

from django.urls import reverse

from sci_tracker.accounts.resume import account_tag
from tests.test_resume_save import PAIN


def drafts_info(page):
    """The data attributes of the page's drafts template."""
    attributes = re.search(r'<template id="drafts"([^>]*)>', page).group(1)
    return dict(re.findall(r'data-(\w+)="([^"]*)"', attributes))


def test_it_names_the_form_saved_on_the_next_page_only(alice_client, alice):
    form = reverse("diary:new", args=["pain"])
    saved = alice_client.post(form, PAIN, follow=True)
    assert drafts_info(saved.text) == {"account": account_tag(alice), "saved": form, "forget": ""}
    assert drafts_info(alice_client.get(form).text)["saved"] == ""


def test_it_names_no_form_saved_when_the_save_had_errors(alice_client):
    form = reverse("diary:new", args=["pain"])
    answered = alice_client.post(form, PAIN | {"intensity": ""})
    assert answered.status_code == 200
    assert drafts_info(answered.text)["saved"] == ""
    assert drafts_info(alice_client.get(form).text)["saved"] == ""


def test_it_names_the_account_signed_out_of_so_its_drafts_go(alice_client, alice):
    home = alice_client.post(reverse("logout"), follow=True)
    assert drafts_info(home.text) == {"account": "", "saved": "", "forget": account_tag(alice)}
    assert drafts_info(alice_client.get("/").text)["forget"] == ""


def test_it_keeps_one_account_drafts_apart_from_another(alice, bob):
    assert account_tag(alice) != account_tag(bob)
    assert account_tag(alice) == account_tag(alice)  # stable, so a draft outlives a session


def test_it_names_a_form_whose_address_has_a_query(alice_client):
    form = reverse("diary:new", args=["checkin"]) + "?date=2026-03-13"
    saved = alice_client.post(form, {"date": "2026-03-13", "psfs_frequency": "0"}, follow=True)
    assert "Daily check-in saved." in saved.text
    assert drafts_info(saved.text)["saved"] == form
