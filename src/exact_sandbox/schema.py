"""Every property of each entity set, in Exact's order, with the value the sandbox gives it when it has
no data of its own (null, or what Exact's recorded bodies show for an unused property: false, 0).

Sources: GLAccounts and crm Accounts are the property lists of the bodies recorded from a real division
(Exact's .NET SDK test data, reference `recorded-dotnet/`), in their order. The others follow Exact's
REST reference as generated into public clients (go-exactonline, picqer's docblocks, tap-exact): the key
first, then the properties alphabetically, navigation properties included (their rows fill them in).

Each table is written as `Name` (default null) or `Name=<Python literal>`.
"""

from __future__ import annotations

import ast
from types import MappingProxyType
from typing import Any

Table = MappingProxyType[str, Any]


def table(spec: str) -> Table:
    defaults: dict[str, Any] = {}
    for word in spec.split():
        name, _, literal = word.partition("=")
        if name in defaults:
            raise ValueError(f"property {name} twice")
        defaults[name] = ast.literal_eval(literal) if literal else None
    return MappingProxyType(defaults)


def complete(props: Table, values: dict[str, Any]) -> dict[str, Any]:
    """A row with every property of `props`, in its order: the known `values`, defaults for the rest."""
    unknown = values.keys() - props.keys()
    if unknown:
        raise KeyError(f"not properties of this entity: {sorted(unknown)}")
    return {**props, **values}


GL_ACCOUNT = table(
    """
    BalanceSide BalanceType BelcotaxType Code Compress=False Costcenter CostcenterDescription Costunit
    CostunitDescription Created Creator CreatorFullName Description Division ExcludeVATListing=0
    ExpenseNonDeductiblePercentage=0 ID IsBlocked=False Matching=False Modified Modifier ModifierFullName
    PrivateGLAccount PrivatePercentage=0 ReportingCode RevalueCurrency=False SearchCode Type TypeDescription
    UseCostcenter=0 UseCostunit=0 VATCode VATDescription VATGLAccountType VATNonDeductibleGLAccount
    VATNonDeductiblePercentage=0 YearEndCostGLAccount YearEndReflectionGLAccount
    """
)

CRM_ACCOUNT = table(
    """
    Accountant AccountManager AccountManagerFullName AccountManagerHID ActivitySector ActivitySubSector
    AddressLine1 AddressLine2 AddressLine3 BankAccounts Blocked=False BRIN BusinessType CanDropShip=False
    ChamberOfCommerce City Classification ClassificationDescription Code CodeAtSupplier CompanySize
    ConsolidationScenario=0 ControlledDate Costcenter CostcenterDescription CostPaid=0 Country Created Creator
    CreatorFullName CreditLinePurchase=0 CreditLineSales=0 Currency CustomerSince DiscountPurchase=0
    DiscountSales=0 Division Document DunsNumber Email EndDate Fax GLAccountPurchase GLAccountSales GLAP GLAR
    ID IntraStatArea IntraStatDeliveryTerm IntraStatSystem IntraStatTransactionA IntraStatTransactionB
    IntraStatTransportMethod InvoiceAccount InvoiceAccountCode InvoiceAccountName InvoiceAttachmentType=1
    InvoicingMethod=0 IsAccountant=0 IsAgency=0 IsBank=False IsCompetitor=0 IsMailing=0 IsMember=False
    IsPilot=False IsPurchase=False IsReseller=False IsSales=False IsSupplier=False Language LanguageDescription
    Latitude LeadSource LogoFileName LogoThumbnailUrl LogoUrl Logo Longitude MainContact Modified Modifier
    ModifierFullName Name Parent PaymentConditionPurchase PaymentConditionPurchaseDescription
    PaymentConditionSales PaymentConditionSalesDescription Phone PhoneExtension Postcode PriceList
    PurchaseCurrency="EUR" PurchaseCurrencyDescription="Euro" PurchaseLeadDays=0 PurchaseVATCode
    PurchaseVATCodeDescription Remarks RecepientOfCommissions=False Reseller ResellerCode ResellerName
    SalesCurrency="EUR" SalesCurrencyDescription="Euro" SalesVATCode SalesVATCodeDescription SearchCode
    SecurityLevel=10 SeparateInvPerProject=0 SeparateInvPerSubscription=0 ShippingLeadDays=0 ShippingMethod
    StartDate State StateName Status StatusSince Type="A" VATLiability VATNumber Website
    """
)

JOURNAL = table(
    """
    ID AllowVariableCurrency=False AllowVariableExchangeRate=False AllowVAT=False AutoSave=False Bank
    BankAccountBICCode BankAccountCountry BankAccountDescription BankAccountIBAN BankAccountID
    BankAccountIncludingMask BankAccountUseSEPA=False BankAccountUseSepaDirectDebit=False BankName Code
    Created Creator CreatorFullName Currency CurrencyDescription Description Division GLAccount GLAccountCode
    GLAccountDescription GLAccountType Modified Modifier ModifierFullName PaymentInTransitAccount
    PaymentServiceAccountIdentifier PaymentServiceProvider PaymentServiceProviderName Type TypeDescription
    """
)

VAT_CODE = table(
    """
    ID Account AccountCode AccountName CalculationBasis=0 Charged=False Code Country Created Creator
    CreatorFullName Description Division EUSalesListing GLDiscountPurchase GLDiscountPurchaseCode
    GLDiscountPurchaseDescription GLDiscountSales GLDiscountSalesCode GLDiscountSalesDescription GLToClaim
    GLToClaimCode GLToClaimDescription GLToPay GLToPayCode GLToPayDescription IntraStat=False IntrastatType
    IsBlocked=False LegalText Modified Modifier ModifierFullName Percentage TaxReturnType=1 Type VatDocType
    VatMargin=0 VATPartialRatio=0 VATPercentages VATTransactionType
    """
)

FINANCIAL_PERIOD = table(
    """
    ID Created Creator CreatorFullName Division EndDate FinPeriod FinYear Modified Modifier ModifierFullName
    StartDate
    """
)

SYSTEM_DIVISION = table(
    """
    Code AddressLine1 AddressLine2 AddressLine3 ArchiveDate BlockingStatus=0 BusinessTypeCode
    BusinessTypeDescription ChamberOfCommerceEstablishment ChamberOfCommerceNumber City Class_01 Class_02
    Class_03 Class_04 Class_05 CompanySizeCode CompanySizeDescription Country Created Creator CreatorFullName
    Currency Current=False Customer CustomerCode CustomerName DatevAccountantNumber DatevClientNumber
    Description Email Fax Hid IsMainDivision=False Legislation Modified Modifier ModifierFullName Phone
    Postcode SbiCode SbiDescription SectorCode SectorDescription ShareCapital=0 SiretNumber StartDate State
    Status SubsectorCode SubsectorDescription TaxOfficeNumber TaxReferenceNumber TemplateCode VATNumber
    Website
    """
)

ALL_DIVISION = table(
    """
    Code AddressLine1 AddressLine2 AddressLine3 ArchiveDate BlockingStatus=0 BusinessTypeCode
    BusinessTypeDescription ChamberOfCommerceEstablishment ChamberOfCommerceNumber City Class_01 Class_02
    Class_03 Class_04 Class_05 CompanySizeCode CompanySizeDescription Country Created Creator CreatorFullName
    Currency Current=False Customer CustomerCode CustomerName DatevAccountantNumber DatevClientNumber
    Description DivisionMoveDate Email Fax Hid IsDossierDivision=False IsMainDivision=False Legislation
    Modified Modifier ModifierFullName OBNumber Phone Postcode SbiCode SbiDescription SectorCode
    SectorDescription ShareCapital=0 SiretNumber StartDate State Status SubsectorCode SubsectorDescription
    TaxOfficeNumber TaxReferenceNumber TemplateCode VATNumber Website
    """
)

HRM_DIVISION = table(
    """
    Code BlockingStatus=0 Class_01 Class_02 Class_03 Class_04 Class_05 Country CountryDescription Created
    Creator CreatorFullName Currency CurrencyDescription Customer CustomerCode CustomerName Description HID
    Main=False Modified Modifier ModifierFullName SiretNumber StartDate Status TaxOfficeNumber
    TaxReferenceNumber VATNumber Website
    """
)

ME = table(
    """
    UserID AccountingDivision CurrentDivision CustomerCode DivisionCustomer DivisionCustomerCode
    DivisionCustomerName DivisionCustomerSiretNumber DivisionCustomerVatNumber DossierDivision Email
    EmployeeID FirstName FullName Gender Initials IsClientUser=False IsEmployeeSelfServiceUser=False
    IsMyFirmLiteUser=False IsMyFirmPortalUser=False IsOEIMigrationMandatory=False IsStarterUser=False Language
    LanguageCode LastName Legislation MiddleName Mobile Nationality PackageCode Phone PhoneExtension PictureUrl
    ServerTime ServerUtcOffset ThumbnailPicture ThumbnailPictureFormat Title UserName
    """
)

GENERAL_JOURNAL_ENTRY = table(
    """
    EntryID Created Currency CustomField Division EntryNumber ExchangeRate FinancialPeriod FinancialYear
    GeneralJournalEntryLines JournalCode JournalDescription Modified Reversal=False Status StatusDescription
    Type TypeDescription
    """
)

GENERAL_JOURNAL_ENTRY_LINE = table(
    """
    ID Account AccountCode AccountName AmountDC AmountFC AmountVATDC AmountVATFC Asset AssetCode
    AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription Created Creator
    CreatorFullName Date Description Division Document DocumentNumber DocumentSubject EntryID EntryNumber
    FinancialPeriod FinancialYear GLAccount GLAccountCode GLAccountDescription JournalCode LineNumber Modified
    Modifier ModifierFullName Notes OffsetID OurRef Project ProjectCode ProjectDescription Quantity Type
    VATBaseAmountDC VATBaseAmountFC VATCode VATCodeDescription VATPercentage VATType
    """
)

_INVOICE_ENTRY = """
    AmountDC AmountFC BatchNumber Created Creator CreatorFullName Currency Description Division Document
    DocumentNumber DocumentSubject DueDate EntryDate EntryNumber ExternalLinkDescription ExternalLinkReference
    GAccountAmountFC InvoiceNumber Journal JournalDescription Modified Modifier ModifierFullName OrderNumber
    PaymentCondition PaymentConditionDescription PaymentReference ProcessNumber Rate=1 ReportingPeriod
    ReportingYear Reversal=False Status StatusDescription Type TypeDescription VATAmountDC VATAmountFC YourRef
"""

SALES_ENTRY = table(
    "EntryID Customer CustomerName IsExtraDuty=False SalesEntryLines WithholdingTaxAmountDC "
    "WithholdingTaxBaseAmount WithholdingTaxPercentage" + _INVOICE_ENTRY
)

PURCHASE_ENTRY = table("EntryID PurchaseEntryLines Supplier SupplierName" + _INVOICE_ENTRY)

_INVOICE_ENTRY_LINE = """
    AmountDC AmountFC Asset AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription
    Description Division EntryID From GLAccount GLAccountCode GLAccountDescription IntraStatArea
    IntraStatCountry IntraStatDeliveryTerm IntraStatTransactionA IntraStatTransportMethod LineNumber Notes
    Project ProjectDescription Quantity SerialNumber StatisticalNetWeight StatisticalNumber StatisticalQuantity
    StatisticalValue Subscription SubscriptionDescription To TrackingNumber TrackingNumberDescription Type
    VATAmountDC VATAmountFC VATBaseAmountDC VATBaseAmountFC VATCode VATCodeDescription VATPercentage
"""

SALES_ENTRY_LINE = table(
    "ID CustomField ExtraDutyAmountFC ExtraDutyPercentage IntraStatTransactionB TaxSchedule" + _INVOICE_ENTRY_LINE
)

PURCHASE_ENTRY_LINE = table("ID VATNonDeductiblePercentage=0 WithholdingAmountDC WithholdingTax" + _INVOICE_ENTRY_LINE)

TRANSACTION_LINE = table(
    """
    ID Account AccountCode AccountName AmountDC AmountFC AmountVATBaseFC AmountVATFC Asset AssetCode
    AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription Created Creator
    CreatorFullName Currency Date Description Division Document DocumentNumber DocumentSubject DueDate EntryID
    EntryNumber ExchangeRate=1 ExtraDutyAmountFC ExtraDutyPercentage FinancialPeriod FinancialYear GLAccount
    GLAccountCode GLAccountDescription InvoiceNumber Item ItemCode ItemDescription JournalCode
    JournalDescription LineNumber LineType Modified Modifier ModifierFullName Notes OffsetID OrderNumber
    PaymentDiscountAmount PaymentReference Project ProjectCode ProjectDescription Quantity SerialNumber Status
    Subscription SubscriptionDescription TrackingNumber TrackingNumberDescription Type VATCode
    VATCodeDescription VATPercentage VATType YourRef
    """
)
