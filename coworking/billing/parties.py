"""Who an invoice is billed to: a member, or the organisation that holds their membership.
A party is written as a key, ``member:12`` or ``organisation:3``, the way invoices, payments
and balances name it."""
from __future__ import annotations

from dataclasses import dataclass

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.memberships.models import Organisation

MEMBER, ORGANISATION = "member", "organisation"


@dataclass(frozen=True)
class Party:
    kind: str  # MEMBER or ORGANISATION
    id: int
    name: str
    email: str
    address: str = ""

    @property
    def key(self) -> str:
        return party_key(self.kind, self.id)

    @property
    def member_id(self) -> int | None:
        return self.id if self.kind == MEMBER else None

    @property
    def organisation_id(self) -> int | None:
        return self.id if self.kind == ORGANISATION else None


def party_key(kind: str, id_: int) -> str:
    return f"{kind}:{id_}"


def party_of_member(member: User) -> Party:
    return Party(MEMBER, member.id, member.name, member.email)


def party_of_organisation(organisation: Organisation) -> Party:
    return Party(ORGANISATION, organisation.id, organisation.name, organisation.billing_email,
                 organisation.address)


def load_party(key: str) -> Party | None:
    """The party a key names, or None when it names nobody."""
    kind, _, raw_id = key.partition(":")
    if not raw_id.isdigit():
        return None
    if kind == MEMBER:
        member = db.session.get(User, int(raw_id))
        return party_of_member(member) if member else None
    if kind == ORGANISATION:
        organisation = db.session.get(Organisation, int(raw_id))
        return party_of_organisation(organisation) if organisation else None
    return None
