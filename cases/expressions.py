"""Query expressions the ORM does not have."""

from django.db.models import BooleanField, Func


class InSubquery(Func):
    """`column IN (subquery)`, written on PostgreSQL as `column = ANY(ARRAY(subquery))`.

    The array form hands the planner the subquery's rows as a list of index keys, so it
    probes the column's index once per key. With `IN` it estimated a semi-join by hash as
    cheaper and read every matching row of the outer table first: an applicant's queue read
    the city's 9,000 waiting steps to find their 200 (`make bench-pages`)."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, template="%(column)s IN %(subquery)s", **extra_context):
        column, subquery = self.source_expressions
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        sql = template % {"column": column_sql, "subquery": subquery_sql}
        return sql, (*column_params, *subquery_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="%(column)s = ANY(ARRAY%(subquery)s)", **extra_context)
