"""The article pipeline: Greek text → key points → bilingual digest; and Greek→English translation.

The front door: callers (CLI, batch job, web app, scripts) import these names from `service`.
"""

from service.briefing import MAX_BRIEFING_ARTICLES, Briefing, BriefingPoint, split_articles
from service.config import (
    MAX_BULLETS,
    METHODS,
    Settings,
    add_model_flags,
    int_env,
    settings_from_args,
    with_overrides,
)
from service.digest import Bullet, Digest, KeyPoint
from service.digest_service import DigestService
from service.errors import InputError, UnavailableError, UsageError, run_command
from service.model_slots import ServiceStatus
from service.translate import Translation

__all__ = [
    "MAX_BRIEFING_ARTICLES",
    "MAX_BULLETS",
    "METHODS",
    "Briefing",
    "BriefingPoint",
    "Bullet",
    "Digest",
    "DigestService",
    "InputError",
    "KeyPoint",
    "ServiceStatus",
    "Settings",
    "Translation",
    "UnavailableError",
    "UsageError",
    "add_model_flags",
    "int_env",
    "run_command",
    "settings_from_args",
    "split_articles",
    "with_overrides",
]
