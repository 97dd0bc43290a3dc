"""British English as the app has always written it: the 24-hour clock (a diary of the night's
spasms reads 02:10, not 2:10 a.m.). Everything else is Django's en_GB."""

TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 25 Oct 2006, 14:30
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 25/10/2006 14:30
