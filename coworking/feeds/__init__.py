"""Calendar feeds: the .ics URLs calendar apps subscribe to, and the pages that show their links.

- ``definitions``: the four kinds of feed, who sees what, and the window of time they cover;
- ``tokens``: private feed links (made, found, revoked), derived from SECRET_KEY;
- ``versions``: a feed's ETag and Last-Modified, from its stamps, without building it;
- ``content``: which bookings a feed shows and what each audience reads of them, as iCalendar;
- ``cache``: built bodies, kept until the feed changes;
- ``links``: absolute links, to subscribe and inside events (from the routes and BASE_URL);
- ``revalidation``: the WSGI layer answering "anything new?" polls with a 304 before Flask;
- ``views`` (the feed URLs and the pages), ``forms``, ``models``.

The iCalendar writer itself is the core module ``coworking.ical``; the API is ``coworking.api.feeds``.
"""
