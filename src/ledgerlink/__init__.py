"""ledgerlink: connects the companies of a retail ERP to Exact Online and posts their journals there once."""
