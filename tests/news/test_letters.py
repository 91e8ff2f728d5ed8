"""The model letter: placeholders filled in per official, and the `mailto:` link that carries it."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from news.models import AppealPage, AppealTarget
from news.protest.letters import Letter, fill, mailto, unknown_placeholders

# A page, even unsaved, looks up its content type.
pytestmark = pytest.mark.django_db


def decoded(url):
    """A mailto: URL taken apart as a mail program does: (to, {header: value})."""
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    fields = {
        name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()
    }
    return unquote(parts.path), fields


def appeal_letter(**fields):
    return AppealPage(
        prisoner=fields.pop("prisoner", "Ainur Kurmanov"),
        copies_to=fields.pop("copies_to", "denver76-76@mail.ru\nadmin@socialismkz.info"),
        letter_subject=fields.pop("letter_subject", "Free {prisoner}"),
        letter_body=fields.pop(
            "letter_body", "To {target_name}, {target_role}\n\nRelease {prisoner} now.\n"
        ),
    )


def test_each_official_gets_the_letter_with_their_own_name_and_role():
    appeal = appeal_letter()
    target = AppealTarget(
        name="Kairat Mami", role="General Prosecutor", emails="akparat@prokuror.kz"
    )
    letter = appeal.letter_to(target)
    assert letter.subject == "Free Ainur Kurmanov"
    assert letter.body == "To Kairat Mami, General Prosecutor\n\nRelease Ainur Kurmanov now.\n"
    assert letter.to == ["akparat@prokuror.kz"]
    assert letter.cc == ["denver76-76@mail.ru", "admin@socialismkz.info"]


def test_unknown_placeholders_and_stray_braces_stay_as_written():
    text = "Dear {target_name}, re {case_number}: {prisoner} {} {{ and } alone"
    values = {"target_name": "Mr Mami", "target_role": "", "prisoner": "Ainur"}
    assert fill(text, values) == "Dear Mr Mami, re {case_number}: Ainur {} {{ and } alone"
    assert unknown_placeholders(text) == ["case_number", ""]
    assert unknown_placeholders("{target_name} {target_role} {prisoner}") == []


def test_mailto_percent_encodes_subject_body_and_cc_as_rfc_6068_says():
    url = mailto(
        ["akparat@prokuror.kz", "press_center@a-a.kz"],
        cc=["denver76-76@mail.ru", "o'brien+kz@example.org"],
        subject="Free Ainur & release him: 100% now?",
        body="Line one\nLine two = #2\r\nYours,\n",
    )
    assert url.startswith("mailto:akparat@prokuror.kz,press_center@a-a.kz?")
    # Spaces are %20 (never +), line breaks CRLF, & = # % ? encoded; nothing raw but the query.
    assert "subject=Free%20Ainur%20%26%20release%20him%3A%20100%25%20now%3F" in url
    assert "body=Line%20one%0D%0ALine%20two%20%3D%20%232%0D%0AYours%2C%0D%0A" in url
    assert "cc=denver76-76@mail.ru,o'brien%2Bkz@example.org" in url
    assert " " not in url and "\n" not in url
    to, fields = decoded(url)
    assert to == "akparat@prokuror.kz,press_center@a-a.kz"
    assert fields["subject"] == "Free Ainur & release him: 100% now?"
    assert fields["body"] == "Line one\r\nLine two = #2\r\nYours,\r\n"
    assert fields["cc"] == "denver76-76@mail.ru,o'brien+kz@example.org"


def test_non_latin_letters_survive_the_round_trip():
    appeal = appeal_letter(
        prisoner="Айнур Курманов",
        letter_subject="Освободите {prisoner}!",
        letter_body="{target_name}, {target_role}\n\nҚұрманов Айнұрды босатыңыз. Әділдік!\n",
    )
    target = AppealTarget(
        name="Ахметжан Есімов", role="Алматы қаласының әкімі", emails="press_center@a-a.kz"
    )
    url = appeal.letter_to(target).mailto
    assert url.isascii()
    assert "subject=%D0%9E%D1%81%D0%B2%D0%BE%D0%B1%D0%BE%D0%B4%D0%B8%D1%82%D0%B5%20" in url
    _, fields = decoded(url)
    assert fields["subject"] == "Освободите Айнур Курманов!"
    assert fields["body"] == (
        "Ахметжан Есімов, Алматы қаласының әкімі\r\n\r\nҚұрманов Айнұрды босатыңыз. Әділдік!\r\n"
    )


def test_a_target_without_email_gets_no_mailto_link():
    assert Letter(to=[], cc=["a@example.org"], subject="s", body="b").mailto == ""
    assert mailto([], subject="Read this") == "mailto:?subject=Read%20this"


@pytest.mark.parametrize(
    "number, uri",
    [
        ("+7 (727) 271 65 79", "tel:+77272716579"),
        ("+7 717250-25-34", "tel:+77172502534"),
        ("+43 1 514 36 6000", "tel:+431514366000"),
    ],
)
def test_phone_and_fax_numbers_become_tel_links(number, uri):
    target = AppealTarget(name="x", phone=number, fax=number)
    target.full_clean(exclude=["page"])
    assert target.phone_uri == uri and target.fax_uri == uri
