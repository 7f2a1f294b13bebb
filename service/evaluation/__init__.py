"""Measuring quality: reading evaluation pairs, and the checks' false-alarm and detection rates."""
