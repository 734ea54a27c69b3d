"""The named errors of Newsgraph. The server maps each to one HTTP status, the CLI to one line."""
from __future__ import annotations


class NewsgraphError(Exception):
    """Base class: an error the user can act on, with a message that says what to do."""

    status = 500


class ArticleError(NewsgraphError):
    """An input file (or one line of it) that is not an article; names the file and line."""

    status = 400

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class QuerySyntaxError(NewsgraphError):
    """A SPARQL query or update the parser refused; the message is the parser's."""

    status = 400


class BadRequest(NewsgraphError):
    """A request that is malformed in a way other than SPARQL syntax."""

    status = 400


class NotFound(NewsgraphError):
    status = 404


class Unauthorized(NewsgraphError):
    """A write without a valid bearer token."""

    status = 401


class Forbidden(NewsgraphError):
    """A write while writes are disabled (no KG_WRITE_TOKEN configured)."""

    status = 403


class NotAcceptable(NewsgraphError):
    """No format the client accepts can render this result."""

    status = 406


class UnknownFormat(NewsgraphError):
    """A format name (``--format``, ``?format=``) that is not in the registry."""

    status = 400


class UnsupportedMediaType(NewsgraphError):
    """A request body in a media type the operation does not take."""

    status = 415


class PayloadTooLarge(NewsgraphError):
    """A query or upload over the configured size limit."""

    status = 413


class QueryTimeout(NewsgraphError):
    """The query ran past ``KG_QUERY_TIMEOUT``; its worker was stopped."""

    status = 504


class Overloaded(NewsgraphError):
    """No query worker became free in time (or one could not be started)."""

    status = 503


class QueryFailed(NewsgraphError):
    """The engine refused the query while evaluating it (not a syntax error)."""

    status = 400


class StoreError(NewsgraphError):
    """The store cannot be opened or written (locked by another process, disk full...)."""

    status = 503
