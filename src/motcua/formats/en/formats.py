"""English pages of a Vietnamese system still take day-first dates, to avoid two conventions in one office."""

from motcua.formats.vi.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"
