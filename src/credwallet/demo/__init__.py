"""The bundled demo: example issuers (documented example keys) serving example credentials
from a local site on 127.0.0.1, built from examples/catalog.json."""
