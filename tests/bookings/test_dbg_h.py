import re
from tests.bookings.test_views_member import *  # noqa
def test_dbg(client, logged_in, room, monday):
    response = post_form(client, SERIES_FORM, series_form(room, monday, freq="monthly", nth="-1", weekday="4", count="3", weekdays=None))
    page = page_text(response)
    print(re.findall(r'class="error[^"]*"[^>]*>(.*?)</', page, re.S))
