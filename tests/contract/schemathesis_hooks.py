"""Schemathesis hooks for tests/contract/run_contract.py (loaded through SCHEMATHESIS_HOOKS).

One rule of the contract cannot be written in JSON Schema: `symptoms_started_day` may not be later
than `days_since_treatment`. A body that breaks only that rule is valid for the schema, and the API
rightly answers 400; that one refusal is not counted as "a schema-valid request rejected". Any other
refusal of a schema-valid body still fails the run.
"""

import schemathesis

REJECTED_POSITIVE_DATA = "ST202"
STARTED_AFTER_TODAY = "symptoms_started_day"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _breaks_started_rule(body: object) -> bool:
    if not isinstance(body, dict):
        return False
    started, days = body.get(STARTED_AFTER_TODAY), body.get("days_since_treatment")
    return _is_number(started) and _is_number(days) and started > days


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure except a 400 whose only complaint is the started-after-today rule, for a
    body that does break it."""
    if failure.code != REJECTED_POSITIVE_DATA or response.status_code != 400:
        return True
    try:
        errors = response.json()["errors"]
    except (ValueError, KeyError, TypeError):
        return True
    return not (set(errors) == {STARTED_AFTER_TODAY} and _breaks_started_rule(case.body))
