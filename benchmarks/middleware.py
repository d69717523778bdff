"""The benchmark's query counter: each response says how many SQL statements it took."""

import time

from django.db import connection


class QueryCountMiddleware:
    """Counts the queries of the whole request with `connection.execute_wrapper` (DEBUG stays
    off, so nothing is logged) and returns the count in `X-Query-Count`, the server's own time
    in `Server-Timing`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return response
