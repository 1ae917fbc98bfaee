"""The patient's "Do you know what was used?" block, shared by the contact form and the check-in.

Every field is optional. Declared once here; procedures.contact.ContactForm and the check-in's
NewOrWorseForm inherit it, and templates/procedures/_product_fields.html shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from . import vocabulary


@dataclass(frozen=True)
class ReportedProduct:
    """What a patient said was used (all optional): name, kind (vocabulary.PATIENT_KINDS), lot,
    where, and whether it was licensed (vocabulary.LICENCE_ANSWERS)."""

    name: str = ""
    kind: str = ""
    lot: str = ""
    place: str = ""
    licence: str = ""

    def __bool__(self) -> bool:
        return any((self.name, self.kind, self.lot, self.place, self.licence))


PRODUCT_FIELDS = ("product_name", "product_kind", "product_lot", "product_place", "product_licensed")
# Django fills in the limit (MaxLengthValidator's own parameter) when the message is shown.
TOO_LONG = {"max_length": _("Please use %(limit_value)d characters or fewer.")}


class ReportedProductForm(forms.Form):
    product_name = forms.CharField(
        label=_("Product or brand name"),
        help_text=_("The name on the box, the syringe or your aftercare card."),
        max_length=150,
        required=False,
        error_messages=TOO_LONG,
    )
    product_kind = forms.ChoiceField(
        label=_("What kind of product was it?"),
        choices=vocabulary.PATIENT_KIND_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Please choose one of the answers.")},
    )
    product_lot = forms.CharField(
        label=_("Lot or batch number, if you have it"),
        help_text=_("It is printed on the box or on a sticker in your notes. It often starts with LOT."),
        max_length=60,
        required=False,
        error_messages=TOO_LONG,
    )
    product_place = forms.CharField(
        label=_("Where were you treated?"),
        help_text=_("The name of the clinic or the place."),
        max_length=120,
        required=False,
        error_messages=TOO_LONG,
    )
    product_licensed = forms.ChoiceField(
        label=_("Do you know if it was an approved product?"),
        help_text=_("Approved means it was allowed to be sold and used in the country where you were treated."),
        choices=vocabulary.LICENCE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Please choose one of the answers.")},
    )

    @property
    def product_fields(self) -> list:
        """The block's bound fields, in order (templates/procedures/_product_fields.html)."""
        return [self[name] for name in PRODUCT_FIELDS]

    @property
    def product_block_open(self) -> bool:
        """Whether a folded block must show itself: something in it was typed or is wrong."""
        return any(field.errors or field.value() for field in self.product_fields)

    @property
    def other_fields(self) -> list:
        """The bound fields of the form this block is part of, without the block."""
        return [field for field in self if field.name not in PRODUCT_FIELDS]

    def reported_product(self) -> ReportedProduct:
        """What the patient said (empty when they left the block blank). Call after is_valid()."""
        data = self.cleaned_data
        return ReportedProduct(
            name=data.get("product_name", "").strip(),
            kind=data.get("product_kind", ""),
            lot=data.get("product_lot", "").strip(),
            place=data.get("product_place", "").strip(),
            licence=data.get("product_licensed", ""),
        )

    def without_product(self) -> dict:
        """The cleaned data of the form it is part of, without the product block."""
        return {name: value for name, value in self.cleaned_data.items() if name not in PRODUCT_FIELDS}
