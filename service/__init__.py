"""The article pipeline: Greek text → key points → bilingual digest; and Greek→English translation."""
