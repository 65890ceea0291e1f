"""Billing: invoices and their lines, gap-free numbering, issuing (which freezes an invoice),
credit notes, payments and member credit, bank statement import, PDFs, reminders and exports.

It builds on ``memberships.billable.billable_items`` (what a period bills) and feeds the ledger
through service calls. See docs/architecture.md for where each piece lives."""
