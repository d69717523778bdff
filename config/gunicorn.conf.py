"""gunicorn's settings in production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Only nginx reaches the socket (README, "Configuration and deployment")."""

bind = "unix:/run/elevator/gunicorn.sock"
workers = 3

# Printing keeps memory that no code of ours holds: every WeasyPrint FontConfiguration (one
# per document, for the document's own font subsets) leaves about 0.2 MB in Pango 1.50 when
# freed (pango_fc_font_map_set_config on a fresh Fontconfig configuration; three C calls
# reproduce it, no document needed: `benchmarks/print_memory.py` measures it). A worker is
# therefore replaced after this many requests (the jitter keeps the three from restarting
# together): a worker that printed 500 documents carries about 100 MB more, then starts anew.
max_requests = 500
max_requests_jitter = 50
