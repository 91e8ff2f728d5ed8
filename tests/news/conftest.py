import pytest

from news.factories import AppealPageFactory, SectionPageFactory

TARGETS = [
    {
        "name": "Kairat Mami",
        "role": "General Prosecutor of the Republic of Kazakhstan",
        "emails": "akparat@prokuror.kz",
        "fax": "+7 717250-25-34",
    },
    {
        "name": "Ahmatjan Esimov",
        "role": "Akim of Almaty",
        "emails": "press_center@a-a.kz\nakim@almaty.example",
        "phone": "+7 (727) 271 65 79",
    },
    {
        "name": "The OSCE Secretariat",
        "role": "Organization for Security and Co-operation in Europe",
        "emails": "",
        "address": "Wallnerstrasse 6\n1010 Vienna\nAustria",
        "phone": "+43 1 514 36 6000",
        "fax": "+43 1 514 36 6996",
        "website": "https://www.osce.org",
    },
]
PROTEST_KIT = {
    "prisoner": "Ainur Kurmanov",
    "copies_to": "denver76-76@mail.ru\nadmin@socialismkz.info",
    "letter_subject": "Release {prisoner} now",
    "letter_body": "To {target_name}, {target_role}\n\nI demand the release of {prisoner}.\n\n"
    "Yours sincerely,\n",
}


@pytest.fixture
def appeals(home):
    return SectionPageFactory(parent=home, title="Appeals", slug="appeals")


@pytest.fixture
def appeal(appeals):
    """An urgent appeal with three officials to write to, copies and a model letter."""
    return AppealPageFactory(
        parent=appeals,
        title="Free Ainur Kurmanov",
        slug="free-ainur-kurmanov",
        targets=TARGETS,
        **PROTEST_KIT,
    )
