"""Forms for the feed pages: resetting links, and a space's public-feed choices."""
from __future__ import annotations

from wtforms import BooleanField, SubmitField

from coworking.forms import PageForm


class ResetFeedsForm(PageForm):
    submit = SubmitField("Reset my calendar links")


class SpaceFeedForm(PageForm):
    """One per space on the hub's feeds page, so each gets a prefix (and unique field ids)."""

    feed_public = BooleanField("Anyone with the public link may see when this space is booked")
    feed_shows_first_name = BooleanField("Show the booker's first name instead of “Booked”")
    submit = SubmitField("Save")
