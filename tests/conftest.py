"""Test-suite wide settings."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def one_blas_thread():
    """Run BLAS on one thread.

    The tests fit small models. On a 2-core machine, numpy's and scipy's two
    OpenBLAS thread pools busy-waiting against each other make such fits up to
    50x slower; one thread changes no result, only the runtime.
    """
    with threadpool_limits(1):
        yield
