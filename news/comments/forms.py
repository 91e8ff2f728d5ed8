"""The reader's comment form. Field names are a contract (DESIGN.md): name, email, body, parent."""

from django import forms
from django.core.validators import URLValidator

from news.comments.text import CONTROL, without_controls

BODY_MAX = 5000
UNREADABLE = (
    "Your {field} contains characters that cannot be shown as text (control characters or "
    "binary data). Please remove them and send it again."
)


class PlainTextarea(forms.Textarea):
    """Shows the reader's text back without the control characters HTML cannot carry."""

    def format_value(self, value):
        value = super().format_value(value)
        return without_controls(value) if value else value


def readable(value, field):
    # U+FFFD is what undecodable bytes become: a binary upload rather than text.
    if CONTROL.search(value) or "\ufffd" in value:
        raise forms.ValidationError(UNREADABLE.format(field=field), code="unreadable")
    return value


class CommentForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Please give a name: it is shown with your comment.",
            "max_length": "Please shorten your name to %(limit_value)s characters.",
            "null_characters_not_allowed": UNREADABLE.format(field="name"),
        },
    )
    email = forms.EmailField(
        max_length=254,
        help_text="Your email address will not be published.",
        error_messages={
            "required": "Please give your email address: only the moderators see it.",
            "invalid": "That does not look like an email address. Please check it.",
        },
    )
    url = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "That does not look like a web address. Please check it."},
    )
    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX,
        widget=PlainTextarea(attrs={"rows": 6}),
        help_text="Plain text. Leave a blank line between paragraphs; web addresses become links.",
        error_messages={
            "required": "Please write your comment.",
            "max_length": "Please shorten your comment to %(limit_value)s characters "
            "(it has %(show_value)s).",
            "null_characters_not_allowed": UNREADABLE.format(field="comment"),
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people by CSS and labelled for the screen readers that reach it.
    subject = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_name(self):
        return " ".join(readable(self.cleaned_data["name"], "name").split())

    def clean_body(self):
        body = readable(self.cleaned_data["body"], "comment")
        return body.replace("\r\n", "\n").replace("\r", "\n")
