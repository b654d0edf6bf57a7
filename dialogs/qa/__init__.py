"""Question answering with sources: retrieval, confidence, answers, follow-ups, small talk."""

from dialogs.qa.cache import load_index
from dialogs.qa.feature import QaFeature
from dialogs.qa.index import QaIndex
from dialogs.qa.outcome import Outcome
from dialogs.qa.service import Policy, QaService

__all__ = ["Outcome", "Policy", "QaFeature", "QaIndex", "QaService", "load_index"]
