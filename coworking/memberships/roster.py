"""A membership as one line of the hub's list and of its CSV export: the member, the plan in
force, the state, the dates, who is billed, the concession and the monthly price it comes to.

Pure once the membership is loaded with what ``queries.hub_memberships`` loads (plan changes,
pauses, concessions): no query per line, so exporting 2,000 members costs a few statements.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from coworking.memberships.lifecycle import timeline_of
from coworking.memberships.models import Concession, Membership, Plan
from coworking.memberships.periods import Period
from coworking.memberships.queries import MembershipState, reference_day, state_of
from coworking.memberships.timeline import discount_for
from coworking.money import minor_to_decimal, money_input_value
from coworking.spreadsheet import safe_cell

STATE_LABELS = {
    MembershipState.UPCOMING: "Upcoming",
    MembershipState.ACTIVE: "Active",
    MembershipState.PAUSED: "Paused",
    MembershipState.ENDED: "Ended",
}


@dataclass(frozen=True)
class RosterLine:
    membership: Membership
    state: MembershipState
    plan: Plan  # the plan in force on the reference day
    concession: Concession | None  # running on the reference day
    plan_price_minor: int  # the plan's monthly price then, before VAT
    monthly_price_minor: int  # what a whole month costs with the concession, before VAT

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def concession_label(self) -> str:
        """'50%' or 'fixed 40.00' (the reason stays on the member's record)."""
        concession = self.concession
        if concession is None:
            return ""
        if concession.percent_bp is not None:
            return f"{concession.percent_bp / 100:g}%"
        return f"fixed {money_input_value(concession.fixed_price_minor, concession.currency)}"


def roster_line(membership: Membership, today: date) -> RosterLine:
    day = reference_day(membership, today)
    timeline = timeline_of(membership)
    plan = timeline.plan_on(day)
    concession = timeline.concession_on(day)
    price = plan.price_on(day)
    month = Period.of(day)
    discount = discount_for(concession, price, month.first_day, month.last_day, month)
    return RosterLine(membership, state_of(membership, today), plan, concession, price, price - discount)


# --- the CSV export -------------------------------------------------------------------------

def csv_header(currency: str) -> list[str]:
    return ["member name", "email", "plan", "state", "starts", "ends", "organisation", "concession",
            f"monthly price ({currency})"]


def csv_row(line: RosterLine) -> list[str]:
    membership = line.membership
    return [safe_cell(value) for value in (
        membership.member.name,
        membership.member.email,
        line.plan.name,
        line.state.value,
        membership.starts_on.isoformat(),
        membership.ends_on.isoformat() if membership.ends_on else "",
        membership.organisation.name if membership.organisation else "",
        line.concession_label,
        minor_to_decimal(line.monthly_price_minor, line.plan.currency),
    )]


def roster_csv(memberships: Iterable[Membership], today: date, currency: str) -> Iterator[str]:
    """The CSV text in chunks (a header, then a chunk per membership), to be streamed."""
    def text(row: list) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(row)
        return out.getvalue()

    yield text(csv_header(currency))
    for membership in memberships:
        yield text(csv_row(roster_line(membership, today)))
