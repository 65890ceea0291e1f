"""The memberships pages' forms, one module per group of pages: ``member.py`` (apply, change
plan, pause, cancel), and the managers' ``plans.py``, ``manager.py``, ``records.py`` (sharing
``fields.py``). They parse what was typed; the rules are the services'."""
