"""HTTP handlers, one module per spec tag; connexion resolves ``operationId`` to a function of
the same name in ``handlers.<tag>``. Handlers parse the request, call the service layer and
shape the response; they hold no business rules."""
