"""Outcome statistics: change measured during care, with its uncertainty and caveats.

Questionnaire change (reliable change, clinical significance, MCID, IMMPACT), cohort
statistics (proportions, responder rates, paired change, predictors of response, pooling,
mixed models, regression to the mean) and single-case statistics for daily diaries.
Every result carries a plain-language ``reading`` and its ``caveats``.
"""

from atlaxis.outcomes.batch import CohortAnalysis, analyze_cohort
from atlaxis.outcomes.change import (
    ClinicalSignificance,
    ReliableChange,
    clinical_significance,
    reliable_change,
)
from atlaxis.outcomes.cohort import (
    PairedChange,
    ResponderRates,
    paired_change,
    proportion_ci,
    regression_to_mean,
    responder_rates,
)
from atlaxis.outcomes.importance import (
    ImmpactChange,
    McidChange,
    immpact_category,
    immpact_change,
    mcid_change,
)
from atlaxis.outcomes.pooling import MixedModelResult, PooledEffect, mixed_model, pool_effects
from atlaxis.outcomes.predictors import LogisticResult, RiskRatio, logistic_predictor, risk_ratio
from atlaxis.outcomes.reading import CAVEATS, caveats_for, check_wording
from atlaxis.outcomes.segmented import SegmentedResult, segmented_regression
from atlaxis.outcomes.singlecase import NonOverlapResult, nonoverlap
from atlaxis.outcomes.visits import VisitLag, VisitWindowsResult, visit_windows

__all__ = [
    "CAVEATS",
    "ClinicalSignificance",
    "CohortAnalysis",
    "ImmpactChange",
    "LogisticResult",
    "McidChange",
    "MixedModelResult",
    "NonOverlapResult",
    "PairedChange",
    "PooledEffect",
    "ReliableChange",
    "ResponderRates",
    "RiskRatio",
    "SegmentedResult",
    "VisitLag",
    "VisitWindowsResult",
    "analyze_cohort",
    "caveats_for",
    "check_wording",
    "clinical_significance",
    "immpact_category",
    "immpact_change",
    "logistic_predictor",
    "mcid_change",
    "mixed_model",
    "nonoverlap",
    "paired_change",
    "pool_effects",
    "proportion_ci",
    "regression_to_mean",
    "reliable_change",
    "responder_rates",
    "risk_ratio",
    "segmented_regression",
    "visit_windows",
]
