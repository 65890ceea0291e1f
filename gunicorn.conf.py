"""gunicorn's settings for this app: gunicorn reads ./gunicorn.conf.py from the directory it
starts in (``gunicorn wsgi:app`` in the checkout, as the README's service does).

``limit_request_line``: gunicorn answers a request line (method, path, query) longer than this
itself, with an HTML 400 the app never sees. Its default, 4,094 bytes, is shorter than some
requests the API documents (a cancellation reason of 500 characters in the query string, percent-
encoded, runs to 6,000 bytes); 8,190 is gunicorn's largest finite limit. Longer lines still get
gunicorn's HTML answer (README, "The JSON API").
"""
limit_request_line = 8190
