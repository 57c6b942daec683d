"""newsweave: open multilingual news intelligence.

Articles in any language go in; the store comes out analysed (language,
sentences, and the later stages as they land). The public entry points are
the job functions in :mod:`newsweave.jobs`; the CLI and API are thin over them.
"""

__version__ = "0.1.0"
