"""Dutch formats (see ledgerlink/formats/__init__.py): day-month-year with hyphens, as Exact Online's."""

DATE_FORMAT = "j F Y"  # 30 november 2026
SHORT_DATE_FORMAT = "d-m-Y"  # 30-11-2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d-m-Y H:i:s"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d-%m-%y", "%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
