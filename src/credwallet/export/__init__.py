"""Export verified credentials for the people who will check them.

`run_export(wallet, options)` selects credentials (ids, pathway, tag or all; verified only
unless asked), withholds the holder's private identifiers, and renders one format:
vp, bundle, html, linkedin, markdown, jsonresume or json. It never modifies the wallet.
"""

from credwallet.export.model import FORMATS, ExportOptions, ExportResult, Skipped
from credwallet.export.runner import run_export

__all__ = ["FORMATS", "ExportOptions", "ExportResult", "Skipped", "run_export"]
