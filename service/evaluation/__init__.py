"""Measuring quality: reading evaluation pairs, the checks' false-alarm and detection rates,
translation (BLEU, chrF: translation.py) and summaries (Greek-aware ROUGE: rouge.py, summaries.py)."""
