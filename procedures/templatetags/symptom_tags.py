"""One symptom checkbox, as a tag rather than an include: the symptoms step shows about a hundred
of them, and an include per checkbox cost more than the rest of the page together."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def symptom_choice(choice, invalid: bool = False) -> SafeString:
    """A labelled checkbox for one symptom (`choice`: presentation.SymptomChoice)."""
    slug, label = escape(choice.slug), escape(choice.label)
    checked = " checked" if choice.checked else ""
    marked = ' aria-invalid="true"' if invalid else ""
    return mark_safe(  # noqa: S308 (every value above is escaped)
        '<div class="form-check check-row">\n'
        f'  <input class="form-check-input" type="checkbox" name="symptoms" value="{slug}" id="symptom-{slug}"'
        f"{checked}{marked}>\n"
        f'  <label class="form-check-label" for="symptom-{slug}">{label}</label>\n'
        "</div>"
    )
