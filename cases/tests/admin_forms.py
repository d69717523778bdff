"""Posting an admin change form back as the browser would: every field and inline row as
the page rendered it."""


def form_data(page) -> dict:
    form = page.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update(
            {
                f"{fs.prefix}-TOTAL_FORMS": str(len(fs.forms)),
                f"{fs.prefix}-INITIAL_FORMS": str(fs.initial_form_count()),
                f"{fs.prefix}-MIN_NUM_FORMS": "0",
                f"{fs.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, f in enumerate(fs.forms):
            for name in f.fields:
                value = f[name].value()
                data[f"{fs.prefix}-{i}-{name}"] = "" if value is None else value
    return data
