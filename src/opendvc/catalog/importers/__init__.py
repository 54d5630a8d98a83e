"""Bringing procedures into the catalogue: the national database's record shape and its adapters.

``national`` reads and writes records of the national TTHC database (CSDL quốc gia về TTHC,
Circular 02/2017/TT-VPCP); ``sample`` turns the bundled sample catalogue into such records, so
every source goes through one import path. See docs/catalog-import.md.
"""
