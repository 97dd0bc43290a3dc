"""Date and time formats by language, where ours differ from Django's (FORMAT_MODULE_PATH).

Templates name a format ("DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "MONTH_DAY_FORMAT")
rather than spelling one out, so each language writes dates its own way: 30 Nov 2026 in
English, 30 de noviembre de 2026 in Spanish. A language without a module here uses Django's.
"""
