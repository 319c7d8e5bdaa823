"""Scoring: explainable strategies that rank leads and opportunities by how likely they are to buy.

A scorer scores a subject (a lead, an opportunity, or a plain mapping of attributes) at an
explicit time and explains itself: the result's baseline plus its contributions is its value.
Scores are computed, never stored and updated.

Example:
    >>> import funnelkit.scoring as sc
    >>> history = [{"origin": "paid_search"}, {"origin": "email"}, {"origin": "paid_search"}]
    >>> scorer = sc.NaiveBayesScorer.fit(history, [True, False, False])
    >>> round(scorer.probability({"origin": "paid_search"}), 3)
    0.4
"""

from funnelkit._plugins import PluginError
from funnelkit._public import publish as _publish
from funnelkit._scores import Contribution, Policy, Recommendation, ScoreResult
from funnelkit.scoring._backtest import BackTest, Learner, backtest
from funnelkit.scoring._bayes import NaiveBayesScorer
from funnelkit.scoring._combined import Combined
from funnelkit.scoring._decay import half_life, linear_decay, step_decay
from funnelkit.scoring._engagement import EngagementRule
from funnelkit.scoring._evaluation import Bin, auc, brier, calibration, lift, precision_at
from funnelkit.scoring._features import features, training_set
from funnelkit.scoring._fit import FitRule, field_is, role, tagged
from funnelkit.scoring._frequency import Frequency, FrequencyScorer, FrequencyTable, InsufficientData
from funnelkit.scoring._grades import Grades
from funnelkit.scoring._logistic import LogisticScorer
from funnelkit.scoring._points import Group, PointsModel
from funnelkit.scoring._points_data import points_model_from, points_model_schema
from funnelkit.scoring._policy import MqlPolicy
from funnelkit.scoring._registry import SCORERS_GROUP, Registry
from funnelkit.scoring._results import Scorer

__all__ = [
    "SCORERS_GROUP",
    "BackTest",
    "Bin",
    "Combined",
    "Contribution",
    "EngagementRule",
    "FitRule",
    "Frequency",
    "FrequencyScorer",
    "FrequencyTable",
    "Grades",
    "Group",
    "InsufficientData",
    "Learner",
    "LogisticScorer",
    "MqlPolicy",
    "NaiveBayesScorer",
    "PluginError",
    "PointsModel",
    "Policy",
    "Recommendation",
    "Registry",
    "ScoreResult",
    "Scorer",
    "auc",
    "backtest",
    "brier",
    "calibration",
    "features",
    "field_is",
    "half_life",
    "lift",
    "linear_decay",
    "points_model_from",
    "points_model_schema",
    "precision_at",
    "role",
    "step_decay",
    "tagged",
    "training_set",
]

_publish(__all__, globals(), __name__)
