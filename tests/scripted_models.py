"""Scripted models: real Seq2SeqModel implementations that answer from a table, so a test knows the
exact English (or Greek summary) the service gets, and which inputs reached the model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from models.base import ModelInfo, Seq2SeqModel

# Greek sentences of the test article and the English a translator gives for their glossary-prepared
# form (the glossary writes Zelensky, Athens, US, Ukraine into the Greek).
ARTICLE = [
    "Ο Ζελένσκι συναντήθηκε με 1.200 πολίτες στην Αθήνα την Τρίτη.",
    "Η κυβέρνηση ανακοίνωσε μέτρα ύψους 2,5 δισ. ευρώ για τα νοικοκυριά.",
    "Οι ΗΠΑ στηρίζουν την Ουκρανία με νέα βοήθεια.",
    "Ο Ζελένσκι ζήτησε περισσότερα όπλα από τους συμμάχους.",
]
ENGLISH = {
    "Ο Zelensky συναντήθηκε με 1.200 πολίτες στην Athens την Τρίτη.":
        "Zelensky met 1,200 citizens in Athens on Tuesday.",  # right: no flag
    "Η κυβέρνηση ανακοίνωσε μέτρα ύψους 2,5 δισ. ευρώ για τα νοικοκυριά.":
        "The government announced measures of 2.5 million euros for households.",  # wrong scale
    "Οι US στηρίζουν την Ukraine με νέα βοήθεια.":
        "The States support Ukraine with new aid.",  # the glossary's US not kept
    "Ο Zelensky ζήτησε περισσότερα όπλα από τους συμμάχους.":
        "Zelenskyy asked the allies for more weapons.",  # a second spelling in one digest
}
TEXT = " ".join(ARTICLE[:2]) + "\n\n" + " ".join(ARTICLE[2:])


class ScriptedModel(Seq2SeqModel):
    """Answers each input with `respond` (e.g. a table's __getitem__: an input not in the table fails
    the test, the KeyError naming it), and keeps every input it was given."""

    def __init__(self, name: str, respond: Callable[[str], str]) -> None:
        super().__init__()
        self.respond = respond
        self.inputs: list[str] = []
        self.info = ModelInfo(name, "/scripted", "scripted", "cpu", 512, 0.0)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def _generate_batch(self, texts: list[str], max_new_tokens, num_beams, **options) -> list[str]:
        self.inputs += texts
        return [self.respond(t) for t in texts]


def install(monkeypatch: pytest.MonkeyPatch, *models: ScriptedModel) -> None:
    """DigestService loads these models by name (Settings(translator=model.name, …))."""
    by_name = {m.name: m for m in models}

    def load(name: str | Path, **_: object) -> Seq2SeqModel:
        return by_name[str(name)]

    monkeypatch.setattr("service.digest_service.load_seq2seq", load)
