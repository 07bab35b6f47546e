"""What every logged-in staff controller shares: the login dependency, no-store headers and the error mapping.

A slice's staff controller subclasses `StaffController` from here, never another slice's controller, so the
slices stay independent (tests/test_layers.py checks it). Never logs requests.
"""

from litestar import Controller

from central.accounts.auth import STAFF_DEPENDENCY, STAFF_HEADERS
from central.errors import ERROR_HANDLERS


class StaffController(Controller):
    """A staff controller: every handler needs a logged-in user (and the CSRF token for unsafe methods)."""

    tags = ("staff",)
    response_headers = STAFF_HEADERS
    dependencies = STAFF_DEPENDENCY
    exception_handlers = ERROR_HANDLERS
