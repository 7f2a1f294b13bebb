"""Data shipped with the service: the default glossary of news names (glossary.tsv)."""
