"""marshmallow schemas for availability, bookings and booking series (conventions in schemas.py).

Instants a client sends are ISO 8601 *with* an offset (a naive time could mean any zone, and
the hub's clock changes twice a year); they are loaded as UTC. Instants we send back for a
booking are in the hub's local zone, with its offset, because that is the time a person means.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coworking.api.schemas import (
    JsonBoolean,
    MoneySchema,
    PageQuerySchema,
    PageSchema,
    TrimmedString,
    whole_number,
)
from coworking.bookings.models import BookingPurpose, BookingStatus
from coworking.bookings.recurrence import FREQUENCIES, MAX_OCCURRENCES, Recurrence
from coworking.dates import EARLIEST_DAY, EARLIEST_INSTANT, LATEST_DAY, LATEST_INSTANT, OUT_OF_RANGE
from coworking.hubs.models import SpaceKind
from coworking.timezones import utc_to_local
from coworking.types import MAX_INTEGER

# The app's range of dates (coworking.dates): beyond it a typo such as 9999 would overflow.
EARLIEST = EARLIEST_INSTANT
LATEST = LATEST_INSTANT
INSTANT_EXAMPLE = "2026-03-02T09:00:00+00:00"
END_EXAMPLE = "2026-03-02T10:00:00+00:00"
YEARS = "Years 1900 to 9000."
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOTE_LENGTH = 500


# --- fields ---------------------------------------------------------------------------------

def record_id(*, strict: bool = True, **kwargs) -> fields.Integer:
    """The id of a stored row: a whole number the database can hold (so a huge one is a 422, not a 500).

    In JSON it must be a number (``"12"`` is refused); in a query string it is text (``strict=False``).
    """
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_INTEGER), **kwargs)


class Instant(fields.AwareDateTime):
    """An ISO 8601 date and time with its UTC offset, loaded as a UTC instant."""

    default_error_messages = {
        "invalid": f"Not a valid date and time: use ISO 8601 with an offset, such as {INSTANT_EXAMPLE}.",
        "invalid_awareness": f"Give a time of day with its UTC offset, such as {INSTANT_EXAMPLE} or "
        "2026-03-02T09:00:00Z: without an offset the time is ambiguous.",
    }

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("example", INSTANT_EXAMPLE)
        metadata["description"] = " ".join(filter(None, (metadata.get("description"), YEARS)))
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        instant = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST <= instant < LATEST:
            raise ValidationError(OUT_OF_RANGE)
        if instant.microsecond:
            raise ValidationError("Give the time to the second at most.")
        return instant.astimezone(timezone.utc)


class CalendarDate(fields.Date):
    """A YYYY-MM-DD date in the hub's calendar."""

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("example", "2026-03-02")
        metadata["description"] = " ".join(filter(None, (metadata.get("description"), YEARS)))
        super().__init__(validate=validate.Range(min=EARLIEST_DAY, max=LATEST_DAY, error=OUT_OF_RANGE), **kwargs)


class DayOrInstant(fields.Field):
    """A YYYY-MM-DD date (a whole day in the hub's zone) or an instant with an offset."""

    def _deserialize(self, value, attr, data, **kwargs) -> date | datetime:
        if isinstance(value, str) and ISO_DATE.match(value):
            return CalendarDate().deserialize(value, attr, data)
        return Instant().deserialize(value, attr, data)


class HubLocalInstant(fields.AwareDateTime):
    """Dumps a booking's UTC instant in its hub's local zone, with the offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return super()._serialize(utc_to_local(value, obj.space.hub.timezone), attr, obj, **kwargs)


class BookingPrice(fields.Nested):
    """The price recorded when the booking was made, in the currency it was made in."""

    def __init__(self, **kwargs):
        super().__init__(MoneySchema, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=None):
        return {"amount_minor": obj.price_minor, "currency": obj.currency}


class BookingOrBusySlot(fields.Field):
    """A booking the caller may see in full, or a ``BusySlot`` (the space is busy then; whose is private)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, BusySlot):
            return shared_schema(BusySlotSchema).dump(value)
        return shared_schema(BookingSchema).dump(value)


@cache
def shared_schema(schema_class: type[Schema]) -> Schema:
    """One instance per schema, made once: making one copies all its fields, which cost a busy
    hub-day (hundreds of bookings) a third of its availability request (bench/api_availability.py)."""
    return schema_class()


class BusySlot:
    """Someone else's booking (or a block), reduced to when the space is busy."""

    busy = True

    def __init__(self, starts_at: datetime, ends_at: datetime):
        self.starts_at, self.ends_at = starts_at, ends_at


# --- bookings -------------------------------------------------------------------------------

class PersonSchema(Schema):
    id = fields.Int()
    name = fields.Str()


class SpaceSummarySchema(Schema):
    id = fields.Int()
    name = fields.Str()
    kind = fields.Str(metadata={"enum": [kind.value for kind in SpaceKind]})
    capacity = fields.Int()


LOCAL = "In the hub's local zone, with its offset"
UTC = "UTC"


class BookingSchema(Schema):
    id = fields.Int()
    space_id = fields.Int()
    space = fields.Nested(SpaceSummarySchema)
    hub = fields.Function(lambda booking: booking.space.hub.slug, metadata={"type": "string", "description": "The hub's slug"})
    member = fields.Nested(
        PersonSchema, allow_none=True, metadata={"description": "Whom the booking is for; null for a block"}
    )
    purpose = fields.Str(
        metadata={
            "enum": [purpose.value for purpose in BookingPurpose],
            "description": "block: a manager took the space out of use (its reason is the note)",
        }
    )
    starts_at = HubLocalInstant(metadata={"description": LOCAL})
    ends_at = HubLocalInstant(metadata={"description": LOCAL + "; the booking is [starts_at, ends_at)"})
    status = fields.Str(metadata={"enum": [status.value for status in BookingStatus]})
    price = BookingPrice(metadata={"description": "Recorded when booked: later rate changes never alter it"})
    sequence = fields.Int(metadata={"description": "Increases on every change (iCalendar SEQUENCE)"})
    series_id = fields.Int(allow_none=True, metadata={"description": "The recurring series it belongs to, if any"})
    note = fields.Str()
    created_at = fields.AwareDateTime(metadata={"description": UTC})
    updated_at = fields.AwareDateTime(metadata={"description": UTC})
    cancelled_at = fields.AwareDateTime(allow_none=True, metadata={"description": UTC})
    cancel_reason = fields.Str()
    overridden_rules = fields.List(
        fields.Str(), metadata={"description": "Rules a manager chose to override for this booking, in words"}
    )


class BookingPageSchema(PageSchema):
    items = fields.List(fields.Nested(BookingSchema), required=True)


class BookingListQuerySchema(PageQuerySchema):
    starts_from = DayOrInstant(
        data_key="from",
        metadata={
            "type": "string",
            "description": "Bookings ending after this: YYYY-MM-DD (from the start of that day in "
            "the hub's zone) or an instant with an offset",
        },
    )
    ends_before = DayOrInstant(
        data_key="to",
        metadata={
            "type": "string",
            "description": "Bookings starting before this: YYYY-MM-DD (that day included) or an instant with an offset",
        },
    )
    hub = fields.Str(metadata={"description": "A hub's slug: all its bookings (its managers and staff only)"})
    status = fields.Str(validate=validate.OneOf([status.value for status in BookingStatus]))


class BookingCreateSchema(Schema):
    """Either ``space_id``, or ``hub`` with ``kind: "desk"`` for any free desk."""

    space_id = record_id(metadata={"description": "The space to book"})
    hub = fields.Str(metadata={"description": "With kind: a hub's slug, to book whichever desk is free"})
    kind = fields.Str(validate=validate.OneOf(["desk"]), metadata={"description": "With hub: always \"desk\""})
    starts_at = Instant(required=True)
    ends_at = Instant(required=True, metadata={"example": END_EXAMPLE, "description": "After starts_at."})
    note = TrimmedString(load_default="", validate=validate.Length(max=NOTE_LENGTH))
    member_email = fields.Str(
        validate=validate.Length(max=254),
        metadata={"description": "The hub's managers and staff: book for this member"},
    )
    override_rules = JsonBoolean(
        load_default=False,
        metadata={
            "description": "The hub's managers and staff: book despite the hub's rules (recorded on the "
            "booking); never despite another booking"
        },
    )
    second_desk = fields.Bool(
        load_default=False,
        metadata={"description": "Book a desk even though the member already holds one in the hub that day (for a guest, say)"},
    )

    @validates_schema
    def names_a_space_or_a_hub(self, data: dict, **kwargs) -> None:
        if "space_id" in data and ("hub" in data or "kind" in data):
            raise ValidationError("Send space_id, or hub and kind, not both.", "space_id")
        if "space_id" in data:
            return
        if "hub" not in data:
            raise ValidationError('Send space_id, or hub and kind: "desk" for any free desk.', "space_id")
        if "kind" not in data:
            raise ValidationError('Send kind: "desk" with hub, to book any free desk.', "kind")


class BookingChangesSchema(Schema):
    """Move a booking: send what changes."""

    starts_at = Instant()
    ends_at = Instant(metadata={"example": END_EXAMPLE, "description": "After starts_at."})
    space_id = record_id(metadata={"description": "Another space of the same hub"})
    override_rules = JsonBoolean(load_default=False, metadata={"description": "The hub's managers and staff only"})

    @validates_schema
    def changes_something(self, data: dict, **kwargs) -> None:
        if not data.keys() & {"starts_at", "ends_at", "space_id"}:
            raise ValidationError("Send starts_at and ends_at, or space_id, or both.", "starts_at")


class ReasonSchema(Schema):
    reason = TrimmedString(
        load_default="",
        validate=validate.Length(max=NOTE_LENGTH),
        metadata={"description": "Why; required when the hub's staff cancel a member's booking (the member is told)"},
    )


# --- availability ---------------------------------------------------------------------------

class AvailabilityQuerySchema(Schema):
    date = CalendarDate(required=True, metadata={"description": "A day in the hub's calendar, YYYY-MM-DD"})
    kind = fields.Str(validate=validate.OneOf([kind.value for kind in SpaceKind]))


class IntervalSchema(Schema):
    starts_at = fields.AwareDateTime(metadata={"description": LOCAL})
    ends_at = fields.AwareDateTime(metadata={"description": LOCAL})


class BusySlotSchema(IntervalSchema):
    busy = JsonBoolean(metadata={"enum": [True]})


BUSY_SLOT_DOC = {
    "type": "object",
    "description": "Someone else's booking: only when the space is busy",
    "properties": {
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "busy": {"type": "boolean", "enum": [True]},
    },
    "required": ["starts_at", "ends_at", "busy"],
}


class SpaceAvailabilitySchema(Schema):
    space = fields.Nested(SpaceSummarySchema)
    bookings = fields.List(
        BookingOrBusySlot(metadata={"oneOf": [{"$ref": "#/components/schemas/Booking"}, BUSY_SLOT_DOC]}),
        metadata={
            "description": "Confirmed bookings and blocks that day: in full when they are yours (all of "
            "them for the hub's managers and staff), otherwise only {starts_at, ends_at, busy: true}"
        },
    )
    free = fields.List(fields.Nested(IntervalSchema), metadata={"description": "Free intervals within opening hours"})


class AvailabilitySchema(Schema):
    hub = fields.Str(metadata={"description": "The hub's slug"})
    date = fields.Date()
    timezone = fields.Str(metadata={"description": "The hub's IANA time zone"})
    opens_at = fields.AwareDateTime(allow_none=True, metadata={"description": LOCAL + "; null when closed"})
    closes_at = fields.AwareDateTime(allow_none=True, metadata={"description": LOCAL + "; null when closed"})
    closed_reason = fields.Str(allow_none=True)
    items = fields.List(fields.Nested(SpaceAvailabilitySchema), metadata={"description": "Active spaces, by kind and name"})


# --- series ---------------------------------------------------------------------------------

WALL_CLOCK = {"description": "Hub-local wall-clock time, HH:MM", "example": "09:00"}


class SeriesCreateSchema(Schema):
    space_id = record_id(required=True)
    start_date = CalendarDate(required=True, metadata={"description": "The first day the series may fall on"})
    start_time = fields.Time(format="%H:%M", required=True, metadata=WALL_CLOCK)
    end_time = fields.Time(format="%H:%M", required=True, metadata={**WALL_CLOCK, "example": "17:00", "description": WALL_CLOCK["description"] + ", after start_time"})
    freq = fields.Str(required=True, validate=validate.OneOf(list(FREQUENCIES)))
    interval = whole_number(minimum=1, maximum=12, load_default=1, metadata={"description": "Every n days, weeks or months (1-12)"})
    weekdays = fields.List(
        # The range is stated, and checked by the recurrence, which names "weekdays" as a whole.
        whole_number(metadata={"minimum": 0, "maximum": 6}), metadata={"description": "Weekly: the weekdays, 0 = Monday … 6 = Sunday"}
    )
    nth = fields.Integer(strict=True, validate=validate.OneOf([1, 2, 3, 4, -1]), metadata={"description": "Monthly: 1-4, or -1 for the last"})
    weekday = whole_number(minimum=0, maximum=6, metadata={"description": "Monthly: 0 = Monday … 6 = Sunday"})
    until = CalendarDate(metadata={"description": "The last day (inclusive); or send count"})
    count = whole_number(minimum=1, maximum=MAX_OCCURRENCES, metadata={"description": f"How many bookings (1-{MAX_OCCURRENCES}); or send until"})
    preview = JsonBoolean(load_default=False, metadata={"description": "Only say which dates are free; store nothing"})
    skip_conflicts = JsonBoolean(
        load_default=False, metadata={"description": "Book the free dates and leave out the others (else: none)"}
    )
    member_email = fields.Str(
        validate=validate.Length(max=254), metadata={"description": "The hub's managers and staff: book for this member"}
    )
    override_rules = JsonBoolean(load_default=False, metadata={"description": "The hub's managers and staff only"})

    @validates_schema
    def ends_after_it_starts(self, data: dict, **kwargs) -> None:
        if {"start_time", "end_time"} <= data.keys() and data["end_time"] <= data["start_time"]:
            raise ValidationError("The end time must be after the start time.", "end_time")


class OccurrenceSchema(Schema):
    date = fields.Date()
    starts_at = fields.AwareDateTime(allow_none=True, metadata={"description": LOCAL + "; null when that time does not exist that day"})
    ends_at = fields.AwareDateTime(allow_none=True, metadata={"description": LOCAL})
    free = JsonBoolean()
    problems = fields.List(fields.Str(), metadata={"description": "Why the date cannot be booked; empty when free"})


class SeriesPreviewSchema(Schema):
    occurrences = fields.List(fields.Nested(OccurrenceSchema))


class SeriesSchema(Schema):
    id = fields.Int()
    space_id = fields.Int()
    space = fields.Nested(SpaceSummarySchema)
    hub = fields.Function(lambda series: series.space.hub.slug, metadata={"type": "string"})
    member = fields.Nested(PersonSchema, allow_none=True)
    rule = fields.Dict(metadata={"description": "freq, starts_on, interval, weekdays, nth, weekday, until, count"})
    description = fields.Function(
        lambda series: Recurrence.from_json(series.rule).describe(),
        metadata={"type": "string", "example": "every week on Monday, Wednesday, until 31 Mar 2026"},
    )
    start_time = fields.Time(format="%H:%M", attribute="local_start", metadata=WALL_CLOCK)
    end_time = fields.Time(format="%H:%M", attribute="local_end", metadata=WALL_CLOCK)
    created_at = fields.AwareDateTime(metadata={"description": UTC})


class SeriesDetailSchema(Schema):
    series = fields.Nested(SeriesSchema)
    bookings = fields.List(fields.Nested(BookingSchema), metadata={"description": "All its bookings, cancelled ones too"})


class SeriesBookedSchema(SeriesDetailSchema):
    occurrences = fields.List(fields.Nested(OccurrenceSchema), metadata={"description": "Every date, booked or left out"})


class SeriesCancelQuerySchema(ReasonSchema):
    from_booking = record_id(
        strict=False,
        metadata={"description": "Cancel this booking of the series and those after it (else all upcoming ones)"}
    )


class CancelledSchema(Schema):
    cancelled = fields.List(fields.Nested(BookingSchema), metadata={"description": "The bookings now cancelled"})
