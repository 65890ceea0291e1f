"""The booking pages' blueprint ("bookings"): only its URL table. The views are in

- ``member.py``: the availability grid, booking a desk or a room, my bookings, one booking, cancelling;
- ``series.py``: booking a recurring series (preview, then book the free dates);
- ``manager.py``: the hub's day and week, the list of bookings and its CSV, blocking a space;
- ``rules.py``: the hub's and a space's booking rules;
- ``common.py``: what they share (loading, statuses, the form's choices, the grid of one day).

Views are thin: load or 404, check permission or 403, validate the form, call a service in one
unit of work (``coworking.transactions.unit_of_work``: committed once, or rolled back), flash and
redirect. A refused booking is shown again beside its form with the status the API gives it: 422
for broken rules, 409 for a taken slot, 403 for what the user may not do; 400 for a form that
doesn't parse, or whose choices name no space or account. A booking the user may not see is a 404,
so ids reveal nothing. Every page needs a login.
"""
from __future__ import annotations

from flask import Blueprint

from coworking.bookings.views import manager, member, rules, series

bp = Blueprint("bookings", __name__)

GET, GET_POST, POST = ["GET"], ["GET", "POST"], ["POST"]

URLS = (
    # rule, endpoint (templates' url_for("bookings.<endpoint>")), view, methods
    ("/book", "start", member.start, GET),
    ("/hubs/<slug>/book", "grid", member.availability_grid, GET),
    ("/hubs/<slug>/book/desk", "book_desk", member.book_desk, GET_POST),
    ("/hubs/<slug>/book/room", "book_room", member.book_room, GET_POST),
    ("/hubs/<slug>/book/series", "book_series", series.book_series, GET_POST),
    ("/bookings", "mine", member.mine, GET),
    ("/bookings/<int:booking_id>", "show", member.show, GET),
    ("/bookings/<int:booking_id>.ics", "ics", member.ics, GET),
    ("/bookings/<int:booking_id>/cancel", "cancel", member.cancel, GET_POST),
    ("/hubs/<slug>/bookings/day", "manage_day", manager.manage_day, GET),
    ("/hubs/<slug>/bookings/week", "manage_week", manager.manage_week, GET),
    ("/hubs/<slug>/bookings", "manage_list", manager.manage_list, GET),
    ("/hubs/<slug>/bookings.csv", "export_csv", manager.export_csv, GET),
    ("/hubs/<slug>/blocks/new", "new_block", manager.new_block, GET_POST),
    ("/hubs/<slug>/booking-rules", "rules", rules.hub_rules, GET_POST),
    ("/hubs/<slug>/spaces/<int:space_id>/booking-rules", "space_rules", rules.space_rules, GET_POST),
)

for rule, endpoint, view, methods in URLS:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
