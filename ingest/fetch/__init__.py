"""Fetch letters from the Tweede Kamer open data API (the Gegevensmagazijn, OData v4).

`client` speaks HTTP politely, `odata` builds the queries, `record` reads a `Document` record,
`download` stores files with their metadata sidecars. Only URLs built from the configured API root
are requested: nothing a document says is ever fetched.
"""
