"""Helpers for driving admin change forms in tests: re-post a form as the page rendered it."""

from __future__ import annotations

from typing import Any


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "on"
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def _add_form(data: dict, form) -> None:
    for name in form.fields:
        value = form[name].value()
        if value is False:
            continue
        data[form.add_prefix(name)] = _value(value)


def form_data(response, **changes) -> dict:
    """The POST data of an admin change (or history) page as rendered, with `changes` applied."""
    data: dict[str, Any] = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    data.update(changes)
    return data
