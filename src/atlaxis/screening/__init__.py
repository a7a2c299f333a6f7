"""Screening: safety red flags before neck care, the neck-involvement profile, alerts.

>>> from atlaxis.screening import safety
>>> safety({"neck_trauma": False}).decision
'incomplete'

Everything here is decision support for the treating clinician, never a diagnosis.
"""

from atlaxis.screening.decision import CcrResult, SafetyDecision, safety
from atlaxis.screening.neck import NeckProfile, NeckSign, neck_profile
from atlaxis.screening.rules import FiredRule, SafetyRule
from atlaxis.screening.safety_rules import RULES, RULESET_VERSION

__all__ = [
    "RULES",
    "RULESET_VERSION",
    "CcrResult",
    "FiredRule",
    "NeckProfile",
    "NeckSign",
    "SafetyDecision",
    "SafetyRule",
    "neck_profile",
    "safety",
]
