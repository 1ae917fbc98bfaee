"""Contains all the data models used in inputs/outputs"""

from .area import Area
from .area_text import AreaText
from .area_translations import AreaTranslations
from .assessment import Assessment
from .assessment_request import AssessmentRequest
from .complication import Complication
from .errors import Errors
from .errors_errors import ErrorsErrors
from .expected_effect import ExpectedEffect
from .get_openapi_response_200 import GetOpenapiResponse200
from .procedure import Procedure
from .procedure_list import ProcedureList
from .procedure_text import ProcedureText
from .procedure_translations import ProcedureTranslations
from .risk_factor import RiskFactor
from .risk_factor_text import RiskFactorText
from .risk_factor_translations import RiskFactorTranslations
from .route import Route
from .symptom import Symptom
from .symptom_list import SymptomList
from .symptom_text import SymptomText
from .symptom_translations import SymptomTranslations
from .trend import Trend
from .urgency import Urgency

__all__ = (
    "Area",
    "AreaText",
    "AreaTranslations",
    "Assessment",
    "AssessmentRequest",
    "Complication",
    "Errors",
    "ErrorsErrors",
    "ExpectedEffect",
    "GetOpenapiResponse200",
    "Procedure",
    "ProcedureList",
    "ProcedureText",
    "ProcedureTranslations",
    "RiskFactor",
    "RiskFactorText",
    "RiskFactorTranslations",
    "Route",
    "Symptom",
    "SymptomList",
    "SymptomText",
    "SymptomTranslations",
    "Trend",
    "Urgency",
)
