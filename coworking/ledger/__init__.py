"""The ledger: a hub's double-entry books, fed by billing through service calls, with the
surplus, what was set aside into the community fund and what was reinvested from it.

Nothing here imports billing or the web layer: billing hands over plain figures
(``posting.post_entry``). See docs/architecture.md."""
