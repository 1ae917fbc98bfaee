from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.trend import Trend
from ..types import UNSET, Unset

T = TypeVar("T", bound="AssessmentRequest")


@_attrs_define
class AssessmentRequest:
    """The body of POST /api/v1/assessments (contract 1.1). Wrong types are refused, never coerced:
    "3" is not a day count and `true` is not an integer. `null` in an optional field means absent.

        Attributes:
            procedure (str): Procedure slug, e.g. `mesotherapy`, as listed by GET /api/v1/procedures.
            days_since_treatment (int): Days since the treatment: 0 is the day of treatment.
            symptoms (list[str]): What the patient reports now: symptom slugs as listed by GET /api/v1/symptoms. May be
                empty; order is irrelevant and duplicates are harmless.
            trend (None | Trend | Unset): How the symptoms are going; absent means unknown.
            area (None | str | Unset): Treated area: an area slug as listed by GET /api/v1/symptoms (`areas`).
            symptoms_started_day (int | None | Unset): Contract 1.1. The day after treatment on which the reported symptoms
                began (0 = the day of treatment); at most `days_since_treatment`, else 400. Absent means unknown.
            risk_factors (list[str] | None | Unset): Contract 1.1. Facts about the patient and the treatment that change the
                level: risk-factor slugs as listed by GET /api/v1/symptoms (`risk_factors`).
            already_seen (bool | None | Unset): Contract 1.1. A clinician has already assessed this problem and the patient
                follows their plan. It may turn `soon` into following that plan; it never lowers `urgent` or `emergency`.
    """

    procedure: str
    days_since_treatment: int
    symptoms: list[str]
    trend: None | Trend | Unset = UNSET
    area: None | str | Unset = UNSET
    symptoms_started_day: int | None | Unset = UNSET
    risk_factors: list[str] | None | Unset = UNSET
    already_seen: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        procedure = self.procedure

        days_since_treatment = self.days_since_treatment

        symptoms = self.symptoms

        trend: None | str | Unset
        if isinstance(self.trend, Unset):
            trend = UNSET
        elif isinstance(self.trend, Trend):
            trend = self.trend.value
        else:
            trend = self.trend

        area: None | str | Unset
        if isinstance(self.area, Unset):
            area = UNSET
        else:
            area = self.area

        symptoms_started_day: int | None | Unset
        if isinstance(self.symptoms_started_day, Unset):
            symptoms_started_day = UNSET
        else:
            symptoms_started_day = self.symptoms_started_day

        risk_factors: list[str] | None | Unset
        if isinstance(self.risk_factors, Unset):
            risk_factors = UNSET
        elif isinstance(self.risk_factors, list):
            risk_factors = self.risk_factors

        else:
            risk_factors = self.risk_factors

        already_seen: bool | None | Unset
        if isinstance(self.already_seen, Unset):
            already_seen = UNSET
        else:
            already_seen = self.already_seen

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "procedure": procedure,
                "days_since_treatment": days_since_treatment,
                "symptoms": symptoms,
            }
        )
        if trend is not UNSET:
            field_dict["trend"] = trend
        if area is not UNSET:
            field_dict["area"] = area
        if symptoms_started_day is not UNSET:
            field_dict["symptoms_started_day"] = symptoms_started_day
        if risk_factors is not UNSET:
            field_dict["risk_factors"] = risk_factors
        if already_seen is not UNSET:
            field_dict["already_seen"] = already_seen

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        procedure = d.pop("procedure")

        days_since_treatment = d.pop("days_since_treatment")

        symptoms = cast(list[str], d.pop("symptoms"))

        def _parse_trend(data: object) -> None | Trend | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trend_type_0 = Trend(data)

                return trend_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Trend | Unset, data)

        trend = _parse_trend(d.pop("trend", UNSET))

        def _parse_area(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        area = _parse_area(d.pop("area", UNSET))

        def _parse_symptoms_started_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        symptoms_started_day = _parse_symptoms_started_day(d.pop("symptoms_started_day", UNSET))

        def _parse_risk_factors(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                risk_factors_type_0 = cast(list[str], data)

                return risk_factors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        risk_factors = _parse_risk_factors(d.pop("risk_factors", UNSET))

        def _parse_already_seen(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        already_seen = _parse_already_seen(d.pop("already_seen", UNSET))

        assessment_request = cls(
            procedure=procedure,
            days_since_treatment=days_since_treatment,
            symptoms=symptoms,
            trend=trend,
            area=area,
            symptoms_started_day=symptoms_started_day,
            risk_factors=risk_factors,
            already_seen=already_seen,
        )

        return assessment_request
