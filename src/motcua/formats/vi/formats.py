"""Vietnamese date formats: officials type and read dd/mm/yyyy; ISO dates are accepted too.

Django's own Vietnamese locale leaves input formats to the US-style defaults, which read
"10/01/2026" as 1 October — a wrong holiday or due date, silently. These formats fix that.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d",
]
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
