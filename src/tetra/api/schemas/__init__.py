"""Response and request models of the API, one module per area of routes.

The OpenAPI schema (`web/openapi.json`) and the web app's typed client are generated from them.
`common` (Page, Health), `monitor`, `universe`, `market`, `pipeline`, `backtests`, `chat`, `risk`,
`simulation`.
Response models that carry a domain record are named `...Out` (`BarOut`, `NewsArticleOut`) so
they cannot be mistaken for the model's types.
"""
