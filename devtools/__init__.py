"""Development tools (tiny random-weight models, load test): not shipped in the wheel."""
