"""The memberships pages' forms: ``member.py`` (apply, change plan, pause, cancel) and the
managers' beside it. They parse what was typed; the rules are the services'."""
