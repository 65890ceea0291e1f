"""Every page's form derives from ``coworking.forms.PageForm``, which refuses control characters
(and line breaks in one-line inputs) beside the field: a form made straight from FlaskForm would
let a NUL through to PostgreSQL, which answers it with a 500. The pure text rules, too."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm

import coworking
from coworking.forms import PageForm
from coworking.text import CONTROL_CHARACTERS, LINE_BREAKS, single_line_problem, text_problem


def every_subclass(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *every_subclass(sub)}
    return found


def test_every_page_form_is_a_page_form():
    for module in pkgutil.walk_packages(coworking.__path__, "coworking."):
        importlib.import_module(module.name)
    forms = {form for form in every_subclass(FlaskForm) if form.__module__.startswith("coworking.")}
    assert len(forms) > 20
    assert sorted(f"{form.__module__}.{form.__qualname__}" for form in forms if not issubclass(form, PageForm)) == []


@pytest.mark.parametrize("text", ("a\x00b", "\x01", "tab\x0bbed", "\x7f", "\x85", "\x9f", "\ud800"))
def test_control_characters_are_refused(text):
    assert text_problem(text) == CONTROL_CHARACTERS
    assert single_line_problem(text) == CONTROL_CHARACTERS


@pytest.mark.parametrize("text", ("Leeds", "12 High St\r\nLeeds", "a\tb", "Café ☕ 東京", "\u00a0"))
def test_ordinary_text_passes(text):
    assert text_problem(text) is None


@pytest.mark.parametrize("text", ("a\nb", "a\rb", "a\u2028b"))
def test_a_name_is_one_line(text):
    assert single_line_problem(text) == LINE_BREAKS
