"""The journals' message codes: what a journal's status, an attempt or a problem says, put into words when read.

Codes are never renamed or reused once rows carry them (see ``ledgerlink.core.messages``). Parameters named
``line`` are the 1-based line of the journal; ``field`` is the field of the submission.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ledgerlink.core import problems
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
JOURNAL_NOT_PURCHASE = define(
    "journal.exact_journal_not_purchase",
    _("Journal {code} ({description}) is not a purchase journal."),
    fix=_("Choose a purchase journal on the mapping page."),
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
SUPPLIER_NONE = define(
    "journal.supplier_none",
    _("The purchase invoice has no supplier and the connector has no fallback supplier."),
    fix=_("Send the supplier's code as relation_code, or set a fallback supplier on the mapping page."),
)
SUPPLIER_MISSING = define(
    "journal.supplier_missing",
    _("Supplier {code} does not exist in Exact as a supplier."),
    fix=_("Create it in Exact as a supplier or correct the relation in the ERP."),
)
GL_WRONG_TYPE = define(
    "journal.gl_wrong_type",
    _(
        "Line {line}: GL account {code} ({description}) is a balance sheet account; a line of this kind books "
        "revenue or costs."
    ),
    fix=_("Book the line on a revenue or cost account, or map ledger {ledger} to one on the mapping page."),
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
VAT_WRONG_USE = define(
    "journal.vat_wrong_use",
    _("Line {line}: VAT code {code} ({description}) is not for {use} in Exact."),
    fix=_("Map VAT code {vat_code} to a code for {use} on the mapping page."),
)
VAT_USE_SALES = define("journal.vat_use.sales", _("sales"))
VAT_USE_PURCHASES = define("journal.vat_use.purchases", _("purchases"))
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
EXACT_REFUSED_SUPPLIER = define(
    "journal.exact_refused_supplier",
    _("Exact refused the entry: “{exact}”"),
    fix=_("Check the supplier in Exact or the fallback supplier on the mapping page."),
)
UNEXPECTED_ERROR = define(
    "journal.unexpected_error",
    _("Unexpected error ({error}); looking the journal up in Exact before posting again."),
)
LOOKUP_FAILED = define("journal.lookup_failed", _("Could not look the journal up in Exact ({error}); trying again."))
LOOKUP_ENTRY_MISSING = define(
    "journal.lookup_entry_missing",
    _("Exact has a line of this journal but did not show its entry; looking again."),
)
NOT_IN_EXACT = define("journal.not_in_exact", _("Not in Exact: posting again."))
FOUND_IN_EXACT = define("journal.found_in_exact", _("Found in Exact as entry {number}."))
POSTED = define("journal.posted", _("Posted as entry {number}."))
MAPPING_INVALID = define("journal.mapping_invalid", _("{field}: {error}"))
MAPPING_NOT_WRITABLE = define(
    "journal.mapping_not_writable",
    _("{field}: an ERP code cannot hold “=” or start with “#”, and a VAT ledger cannot hold a comma"),
)
EXACT_DATA_UNREADABLE = define(
    "journal.exact_data_unreadable", _("Exact's data could not be read ({error}); trying again.")
)

# --- the API's filters ---------------------------------------------------------------------------------------

FILTER_STATUS = define("journal.filter_status", _("status must be one of {values}"))
FILTER_DATE = define("journal.filter_date", _("{field} must be a date written yyyy-mm-dd"))
FILTER_RANGE = define("journal.filter_range", _("{field} is between 1 and {max}"))
QUERY_UNKNOWN = problems.QUERY_UNKNOWN  # shared by every router: defined with the API's problems
QUERY_NONE = problems.QUERY_NONE

# --- Exact data over the API (api_exact.py) ---------------------------------------------------------------------

EXACT_DATA_NO_DIVISION = define(
    "journal.exact_data.no_division",
    _("Connector {number} has no division yet: Exact's data is read from a division."),
    fix=_("An admin connects the connector (oAuth) and chooses the division on the connector screen."),
)
EXACT_DATA_RECENT = define(
    "journal.exact_data.recent",
    _("Exact's data was read less than a minute ago; try again in {seconds} s."),
)
MAPPING_INVALID = define("journal.mapping_invalid", _("{field}: {error}"))
MAPPING_NOT_WRITABLE = define(
    "journal.mapping_not_writable",
    _("{field}: an ERP code cannot hold “=” or start with “#”, and a VAT ledger cannot hold a comma"),
)
EXACT_DATA_UNREADABLE = define("journal.exact_data.unreadable", _("Exact's data could not be read: {error}"))

# --- what people do to journals (actions.py) ----------------------------------------------------------------

NOT_RESENDABLE = define(
    "journal.not_resendable", _("Journal {id} is {status}; only failed journals can be sent again.")
)

NOT_CANCELLABLE = define(
    "journal.not_cancellable",
    _("Journal {id} is {status}; only a journal that is not in Exact (queued or failed) can be cancelled or moved."),
)
MOVE_SAME_CONNECTOR = define("journal.move_same_connector", _("Journal {id} already goes through connector {number}."))
NOT_CORRECTABLE = define(
    "journal.not_correctable",
    _("Journal {id} is {status}; only a posted journal is corrected (one not in Exact can be cancelled or moved)."),
)
CORRECTION_SAME_REFERENCE = define(
    "journal.correction_same_reference",
    _("The corrected journal needs a reference of its own, not {reference}."),
)
ALREADY_CORRECTED = define(
    "journal.already_corrected",
    _("Journal {id} was corrected before by {reference} (journal {other}); correct that one instead."),
)
NOT_WAITING = define(
    "journal.not_waiting", _("Journal {id} is not waiting to be sent ({status}); nothing to send now.")
)
WAITING_FOR_PERIOD = define(
    "journal.waiting_for_period",
    _("Waits until period {period} is reopened in Exact; ledgerlink tries it once an hour."),
    fix=_("Reopen the period in Exact; press Send now to have it tried at once."),
)
NOT_HELD_BY_PERIOD = define(
    "journal.not_held_by_period",
    _("Journal {id} is {status}; only a journal refused for a closed period can wait until the period reopens."),
)

# --- what audit entries of journals, API keys and mappings are about (tenancy/audit.py) ----------------------

API_KEY = define("journal.audit_api_key", _("API key {prefix} ({name})"))
JOURNAL = define("journal.audit_journal", _("Journal {reference}"))
FAILED_JOURNALS = define("journal.audit_failed_journals", _("{count} failed journals"))
WAITING_JOURNALS = define("journal.audit_waiting_journals", _("{count} journals held by a closed period"))
MAPPING = define("journal.audit_mapping", _("Mapping of connector {number}"))

# --- RetailVista's cash-journal file (importer.py): a line's problems, named by the file's line number ----------

IMPORT_NOT_UTF8 = define(
    "journal.import.not_utf8",
    _(
        "the file is not UTF-8 text here; save it as UTF-8 (or plain ASCII, as RetailVista exports it) "
        "and import it again"
    ),
)
IMPORT_DECIMAL_COMMA = define(
    "journal.import.decimal_comma",
    _("the {column} {value} has a decimal comma; write it with a decimal point, like 12.30"),
)
IMPORT_NOT_AMOUNT = define(
    "journal.import.not_amount",
    _("the {column} {value!r} is not an amount; write it like 12.30 or -12.30"),
)
IMPORT_AMOUNT_TOO_LARGE = define(
    "journal.import.amount_too_large",
    _("the {column} {value} is too large"),
)
IMPORT_AMOUNT_DECIMALS = define(
    "journal.import.amount_decimals",
    _("the {column} {value} has more than two decimals; round it to cents"),
)
IMPORT_NOT_WHOLE = define(
    "journal.import.not_whole",
    _("the {column} {value!r} must be a whole number from {low} to {high}"),
)
IMPORT_DATE_FORMAT = define(
    "journal.import.date_format",
    _("the date {value!r} is not a date written yyyy-mm-dd, like 2024-06-10"),
)
IMPORT_BAD_CHARACTER = define(
    "journal.import.bad_character",
    _("column {column} holds {character}, which cannot be stored or sent to Exact; remove it"),
)
IMPORT_QUOTE_NOT_CLOSED = define(
    "journal.import.quote_not_closed",
    _(
        "the quote opened at column {column} is not closed on this line; close it (a value cannot span "
        "lines), or write a quote inside a value as two quotes"
    ),
)
IMPORT_TEXT_AFTER_QUOTE = define(
    "journal.import.text_after_quote",
    _(
        "after the quoted value that ends at column {column} comes text before the next comma; put the "
        "whole value in quotes"
    ),
)
IMPORT_STRAY_QUOTE = define(
    "journal.import.stray_quote",
    _(
        "column {column} has a quote inside a value that is not quoted; put the value in quotes and "
        "write the quote as two quotes"
    ),
)
IMPORT_SEMICOLONS = define(
    "journal.import.semicolons",
    _(
        "the file is separated by semicolons, like RetailVista's Multivers export; choose the Exact "
        "Online cash-journal export, which is separated by commas"
    ),
)
IMPORT_COLUMN_COUNT = define(
    "journal.import.column_count",
    _("this line has {found} columns; it needs {needed}: {names}"),
)
IMPORT_NO_LINES = define(
    "journal.import.no_lines",
    _("the file has no journal lines; choose RetailVista's Exact Online cash-journal export"),
)
IMPORT_COLUMN_LINE_NUMBER = define(
    "journal.import.column_line_number",
    _("line number"),
)
IMPORT_ENTRY_NUMBER = define(
    "journal.import.entry_number",
    _("the journal entry {value!r} must be a number (up to 20 characters)"),
)
IMPORT_JOURNAL_CODE = define(
    "journal.import.journal_code",
    _("the journal {value!r} must be the journal code set in RetailVista, like 90"),
)
IMPORT_COLUMN_YEAR = define(
    "journal.import.column_year",
    _("year"),
)
IMPORT_COLUMN_PERIOD = define(
    "journal.import.column_period",
    _("period"),
)
IMPORT_COLUMN_AMOUNT = define(
    "journal.import.column_amount",
    _("amount"),
)
IMPORT_COLUMN_VAT_AMOUNT = define(
    "journal.import.column_vat_amount",
    _("VAT amount"),
)
IMPORT_GL_EMPTY = define(
    "journal.import.gl_empty",
    _("the GL number is empty; give the general ledger account of this line"),
)
IMPORT_GL_TOO_LONG = define(
    "journal.import.gl_too_long",
    _("the GL number is longer than {n} characters"),
)
IMPORT_RELATION_TOO_LONG = define(
    "journal.import.relation_too_long",
    _("the relation is longer than {n} characters"),
)
IMPORT_VAT_CODE_TOO_LONG = define(
    "journal.import.vat_code_too_long",
    _("the VAT code is longer than 10 characters"),
)
IMPORT_DESCRIPTION_TOO_LONG = define(
    "journal.import.description_too_long",
    _("the description is longer than 200 characters; shorten it"),
)
IMPORT_VAT_SIGN = define(
    "journal.import.vat_sign",
    _("the VAT amount {vat} has the opposite sign of the amount {amount}; give both the same sign"),
)
IMPORT_VAT_WITHOUT_CODE = define(
    "journal.import.vat_without_code",
    _("the line has a VAT amount but no VAT code; add the VAT code"),
)
IMPORT_VAT_WITHOUT_AMOUNT = define(
    "journal.import.vat_without_amount",
    _("the line has a VAT amount but an amount of 0; give the amount"),
)
IMPORT_ENTRY_DATES_DIFFER = define(
    "journal.import.entry_dates_differ",
    _(
        "entry {entry} has date {date}, period {period} on line {first} but {here}, period "
        "{here_period} here; one entry is one day's journal, so give all its lines the same date and "
        "period"
    ),
)
IMPORT_LINE_NUMBER_TWICE = define(
    "journal.import.line_number_twice",
    _(
        "line number {number} of entry {entry} appears twice (also on line {other}); number the entry's "
        "lines 0, 1, 2, …"
    ),
)
IMPORT_ENTRY_ZERO = define(
    "journal.import.entry_zero",
    _("entry {entry} has only zero amounts; there is nothing to book"),
)
IMPORT_ENTRY_PROBLEM = define(
    "journal.import.entry_problem",
    _("entry {entry}: {message}"),
)
IMPORT_ENTRY_CHANGED = define(
    "journal.import.entry_changed",
    _(
        "entry {entry} was imported before (journal {id}) with other content ({changes}); a journal "
        "that was accepted is not changed: correct it in Exact or in RetailVista with a new entry"
    ),
)
IMPORT_FILE_TOO_LARGE = define(
    "journal.import.file_too_large",
    _("the file is larger than {mb} MB; split the export into smaller periods"),
)
IMPORT_CONNECTOR_UNKNOWN = define(
    "journal.import.connector_unknown",
    _("company {company} has no connector {number}; choose one of its connectors"),
)
IMPORT_CONFLICT = define(
    "journal.import.conflict",
    _("the import was undone because {reason}; import the file again"),
)
IMPORT_STOPPED = define(
    "journal.import.stopped",
    _("the import stopped on an error of ours; the entries stored so far stay, upload the file again to finish it"),
)
