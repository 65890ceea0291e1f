"""The ledger API's shapes: accounts, journal entries with their postings (debit positive,
credit negative, in minor units of the hub's currency), and a year's impact figures."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from coworking.api.schemas import PageQuerySchema, PageSchema


class LedgerAccountSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    type = fields.Str(metadata={"enum": ["asset", "liability", "equity", "income", "expense"]})
    role = fields.Str(allow_none=True, metadata={"description": "What the app posts to it on its own, if anything"})
    reinvestment_kind = fields.Str(allow_none=True)


class LedgerAccountListSchema(Schema):
    items = fields.List(fields.Nested(LedgerAccountSchema))


class PostingSchema(Schema):
    account_code = fields.Function(lambda posting: posting.account.code)
    account_name = fields.Function(lambda posting: posting.account.name)
    amount_minor = fields.Int(metadata={"description": "Debit positive, credit negative"})


class JournalEntrySchema(Schema):
    id = fields.Int()
    date = fields.Date(attribute="entry_date")
    memo = fields.Str()
    currency = fields.Str()
    source_kind = fields.Str(metadata={"description": "invoice, credit_note, payment, credit_used, manual, "
                                                      "set_aside, reinvestment, reversal..."})
    source_id = fields.Int(allow_none=True)
    reverses_id = fields.Int(allow_none=True)
    postings = fields.List(fields.Nested(PostingSchema))


class JournalEntryPageSchema(PageSchema):
    items = fields.List(fields.Nested(JournalEntrySchema))


class EntryQuerySchema(PageQuerySchema):
    from_ = fields.Date(data_key="from", load_default=None, metadata={"description": "First day, YYYY-MM-DD"})
    to = fields.Date(load_default=None, metadata={"description": "Last day, YYYY-MM-DD"})


class ImpactQuerySchema(Schema):
    year = fields.Int(load_default=None, validate=validate.Range(min=2000, max=2100),
                      metadata={"description": "The latest year with books when left out"})


class FiguresSchema(Schema):
    period = fields.Str(attribute="key")
    income_minor = fields.Int()
    costs_minor = fields.Int()
    surplus_minor = fields.Int()
    set_aside_minor = fields.Int()
    reinvested_minor = fields.Int()
    reinvested_by_kind = fields.Dict(keys=fields.Str(), values=fields.Int())


class PublishedReinvestmentSchema(Schema):
    date = fields.Date(attribute="on")
    kind = fields.Str()
    description = fields.Str()
    beneficiary = fields.Str()
    amount_minor = fields.Int()


class ImpactSchema(Schema):
    hub = fields.Str()
    currency = fields.Str()
    year = fields.Int()
    total = fields.Nested(FiguresSchema, allow_none=True)
    quarters = fields.List(fields.Nested(FiguresSchema))
    reinvestments = fields.List(fields.Nested(PublishedReinvestmentSchema))
