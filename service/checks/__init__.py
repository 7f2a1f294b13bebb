"""Checks of the English against its Greek: numbers, dates, names, glossary terms, abstractive
bullets against their sources, and one spelling per name across a digest."""

from service.checks.checker import check, consistency, unsupported
from service.checks.flag import KINDS, Flag
from service.checks.glossary import Glossary

__all__ = ["KINDS", "Flag", "Glossary", "check", "consistency", "unsupported"]
