"""The journals' message codes: what a journal's status, an attempt or a problem says, put into words when read.

Codes are never renamed or reused once rows carry them (see ``ledgerlink.core.messages``). Parameters named
``line`` are the 1-based line of the journal; ``field`` is the field of the submission.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import define

# --- the shape of a submission (API body, file entry) -------------------------------------------------------

BODY_NOT_JSON = define("journal.body_not_json", _("The body is not valid JSON: {error}"))
BODY_NOT_OBJECT = define("journal.body_not_object", _("the body must be a JSON object"))
FIELD_REQUIRED = define("journal.field_required", _("{field} is required"))
FIELD_UNKNOWN = define("journal.field_unknown", _("unknown field {field}; known fields: {known}"))
FIELD_NOT_TEXT = define("journal.field_not_text", _("{field} must be a string"))
TEXT_TOO_LONG = define("journal.text_too_long", _("{field} is longer than {limit} characters"))
TEXT_BAD_CHARACTER = define(
    "journal.text_bad_character",
    _("{field} contains {character} at position {position}; remove it (control characters cannot be sent to Exact)"),
)
AMOUNT_NOT_EXACT = define(
    "journal.amount_not_exact", _("{field} must be given as a string or an exact number, not a float")
)
AMOUNT_INVALID = define("journal.amount_invalid", _("{field} is not an amount: {value}"))
AMOUNT_TOO_LARGE = define("journal.amount_too_large", _("{field} is not an amount this service accepts: {value}"))
AMOUNT_DECIMALS = define("journal.amount_decimals", _("{field} has more than two decimals: {value}"))
AMOUNT_NEGATIVE = define("journal.amount_negative", _("{field} may not be negative: {value}"))
DATE_REQUIRED = define("journal.date_required", _("date is required (yyyy-mm-dd)"))
DATE_FORMAT = define("journal.date_format", _("{field} must be written yyyy-mm-dd; got {value!r}"))
DATE_INVALID = define("journal.date_invalid", _("{field} {value} does not exist"))
KIND_UNKNOWN = define("journal.kind_unknown", _("kind must be one of {kinds}; got {value!r}"))
CONNECTOR_REQUIRED = define("journal.connector_required", _("connector (the connector's number) is required"))
CONNECTOR_NOT_NUMBER = define("journal.connector_not_number", _("connector must be a whole number"))
CONNECTOR_UNKNOWN = define("journal.connector_unknown", _("this company has no connector {number}"))
LINES_NOT_LIST = define("journal.lines_not_list", _("lines must be a list"))
LINES_EMPTY = define("journal.lines_empty", _("a journal needs at least one line"))
LINES_TOO_MANY = define("journal.lines_too_many", _("a journal has at most {limit} lines"))
LINE_NOT_OBJECT = define("journal.line_not_object", _("each line must be a JSON object"))
LINE_BOTH_SIDES = define("journal.line_both_sides", _("a line has a debit or a credit amount, not both"))
LINE_NO_AMOUNT = define("journal.line_no_amount", _("a line needs a debit or a credit amount"))
LINE_VAT_WITHOUT_CODE = define("journal.line_vat_without_code", _("a line with a VAT amount needs a VAT code"))
INVALID_VALUE = define("journal.invalid_value", _("{field}: {error}"))

# --- checked against Exact's data (validation.py) -----------------------------------------------------------

EXACT_DATA_MISSING = define(
    "journal.exact_data_missing",
    _("Exact's data for {where} could not be read."),
    fix=_("Connect the connector; the journal is checked again when it is sent."),
)
JOURNAL_MISSING = define(
    "journal.exact_journal_missing",
    _("Journal {code} does not exist in {where}."),
    fix=_("Choose an existing journal on the mapping page."),
)
JOURNAL_NOT_GENERAL = define(
    "journal.exact_journal_not_general",
    _("Journal {code} ({description}) is not a general (memoriaal) journal."),
    fix=_("Choose a general (memoriaal) journal on the mapping page."),
)
JOURNAL_NOT_SALES = define(
    "journal.exact_journal_not_sales",
    _("Journal {code} ({description}) is not a sales journal."),
    fix=_("Choose a sales journal on the mapping page."),
)
JOURNAL_NO_VAT = define(
    "journal.exact_journal_no_vat",
    _("Journal {code} does not allow VAT, but line {line} carries a VAT code."),
    fix=_("Choose a journal that allows VAT on the mapping page."),
)
PERIOD_MISSING = define(
    "journal.period_missing",
    _("{where} has no financial period for {date}."),
    fix=_("Create the financial year in Exact, then press Resend."),
    dates=("date",),
)
PERIOD_CLOSED = define(
    "journal.period_closed",
    _("Financial period {year}/{period} is closed in Exact."),
    fix=_("Reopen it in Exact, then press Resend (or let the journal wait until the period reopens)."),
)
CUSTOMER_NONE = define(
    "journal.customer_none",
    _("The invoice has no relation and the connector has no walk-in customer."),
    fix=_("Set a walk-in customer on the mapping page."),
)
CUSTOMER_MISSING = define(
    "journal.customer_missing",
    _("Customer {code} does not exist in Exact as a customer."),
    fix=_("Create it in Exact or correct the relation in the ERP."),
)
GL_MISSING = define(
    "journal.gl_missing",
    _("Line {line}: ledger {ledger} has no GL account in Exact."),
    fix=_("Create GL account {ledger} in Exact, or map ledger {ledger} to an existing account on the mapping page."),
)
GL_MISSING_MAPPED = define(
    "journal.gl_missing_mapped",
    _("Line {line}: ledger {ledger} (mapped to {code}) has no GL account in Exact."),
    fix=_("Create GL account {code} in Exact, or map ledger {ledger} to an existing account on the mapping page."),
)
GL_BLOCKED = define(
    "journal.gl_blocked",
    _("Line {line}: GL account {code} ({description}) is blocked in Exact."),
    fix=_("Unblock it in Exact, or map ledger {ledger} to another account on the mapping page."),
)
VAT_MISSING = define(
    "journal.vat_missing",
    _("Line {line}: VAT code {vat_code} does not exist in Exact."),
    fix=_("Map it to an Exact VAT code on the mapping page."),
)
VAT_BLOCKED = define(
    "journal.vat_blocked",
    _("Line {line}: VAT code {code} is blocked in Exact."),
    fix=_("Map VAT code {vat_code} to another code on the mapping page."),
)
VAT_INCLUDING_ON_INVOICE = define(
    "journal.vat_including_on_invoice",
    _("Line {line}: VAT code {code} includes VAT, but invoice lines are booked excluding VAT in Exact."),
    fix=_("Map it to the matching excluding-VAT code on the mapping page."),
)
# How an Exact VAT code counts, a parameter of VAT_AMOUNT_WRONG (stored as a code, so it reads in Dutch too).
VAT_TYPE_EXCLUDING = define("journal.vat_type.excluding", _("excluding VAT"))
VAT_TYPE_INCLUDING = define("journal.vat_type.including", _("including VAT"))
VAT_TYPE_NONE = define("journal.vat_type.none", _("without VAT"))
VAT_AMOUNT_WRONG = define(
    "journal.vat_amount_wrong",
    _(
        "Line {line}: VAT amount {vat_amount} does not fit VAT code {code} ({description}, {vat_type}), which gives "
        "{expected} on {amount}."
    ),
    fix=_(
        "Use the VAT code that matches how the ERP gives amounts (including or excluding VAT), or map it on the "
        "mapping page."
    ),
    money=("vat_amount", "expected", "amount"),
)
UNBALANCED = define(
    "journal.unbalanced",
    _("The journal is not in balance: debit {debit}, credit {credit} (VAT included), difference {difference}."),
    fix=_("Correct it in the ERP and submit it again."),
    money=("debit", "credit", "difference"),
)

# --- posting (posting.py) -----------------------------------------------------------------------------------

WORKER_DIED = define(
    "journal.worker_died", _("The worker stopped while sending; looking the journal up in Exact before posting again.")
)
NO_ANSWER = define("journal.no_answer", _("No answer from Exact ({error}); looking it up before posting again."))
SERVER_ERROR = define(
    "journal.server_error",
    _("Exact answered HTTP {status} ({error}); it may have stored the entry, so it is looked up before posting again."),
)
SERVER_ERRORS_REPEATED = define(
    "journal.server_errors_repeated",
    _("Exact answered HTTP {status} {count} times in a row (last: {error}); the journal waits for you."),
    fix=_("Check Exact's status page or try the entry in Exact, then press Resend: it looks the journal up first."),
)
UNREACHABLE = define("journal.unreachable", _("Exact could not be reached ({error}); trying again."))
EXACT_LIMITS = define("journal.exact_limits", _("Waiting for Exact's limits: {error}"))
EXACT_REFUSED = define(
    "journal.exact_refused",
    _("Exact refused the entry: “{exact}”"),
    fix=_("Correct what Exact names, then press Resend."),
)
EXACT_REFUSED_PERIOD_CLOSED = define(
    "journal.exact_refused_period_closed",
    _("Exact refused the entry: “{exact}”"),
    fix=_("Reopen the period in Exact, then press Resend (or let the journal wait until the period reopens)."),
)
EXACT_REFUSED_PERIOD_MISSING = define(
    "journal.exact_refused_period_missing",
    _("Exact refused the entry: “{exact}”"),
    fix=_("Create the financial year in Exact, then press Resend."),
)
EXACT_REFUSED_VAT = define(
    "journal.exact_refused_vat",
    _("Exact refused the entry: “{exact}”"),
    fix=_("Check the VAT code mapping on the mapping page, then press Resend."),
)
EXACT_REFUSED_GL = define(
    "journal.exact_refused_gl",
    _("Exact refused the entry: “{exact}”"),
    fix=_("Check the ledger mapping on the mapping page, then press Resend."),
)
EXACT_REFUSED_CUSTOMER = define(
    "journal.exact_refused_customer",
    _("Exact refused the entry: “{exact}”"),
    fix=_("Check the customer in Exact or the walk-in customer on the mapping page."),
)
UNEXPECTED_ERROR = define(
    "journal.unexpected_error",
    _("Unexpected error ({error}); looking the journal up in Exact before posting again."),
)
LOOKUP_FAILED = define("journal.lookup_failed", _("Could not look the journal up in Exact ({error}); trying again."))
NOT_IN_EXACT = define("journal.not_in_exact", _("Not in Exact: posting again."))
FOUND_IN_EXACT = define("journal.found_in_exact", _("Found in Exact as entry {number}."))
POSTED = define("journal.posted", _("Posted as entry {number}."))
EXACT_DATA_UNREADABLE = define(
    "journal.exact_data_unreadable", _("Exact's data could not be read ({error}); trying again.")
)

# --- the API's filters ---------------------------------------------------------------------------------------

FILTER_STATUS = define("journal.filter_status", _("status must be one of {values}"))
FILTER_DATE = define("journal.filter_date", _("{field} must be a date written yyyy-mm-dd"))
FILTER_RANGE = define("journal.filter_range", _("{field} is between 1 and {max}"))

# --- what people do to journals (actions.py) ----------------------------------------------------------------

NOT_RESENDABLE = define(
    "journal.not_resendable", _("Journal {id} is {status}; only failed journals can be sent again.")
)

# --- what audit entries of journals, API keys and mappings are about (tenancy/audit.py) ----------------------

API_KEY = define("journal.audit_api_key", _("API key {prefix} ({name})"))
JOURNAL = define("journal.audit_journal", _("Journal {reference}"))
FAILED_JOURNALS = define("journal.audit_failed_journals", _("{count} failed journals"))
MAPPING = define("journal.audit_mapping", _("Mapping of connector {number}"))
