// Reads an iCalendar file as ical.js does (Thunderbird, Nextcloud Calendar, many web calendars)
// and prints, one JSON line each, the UTC instants of every event: its UID, start and end,
// every occurrence of a recurring event up to UNTIL/COUNT or the year 2100.
// Times take their offsets from the file's own VTIMEZONEs, as those clients do; a TZID with no
// VTIMEZONE in the file is an error, not a guess.
// Usage: node tests/ical_instants.mjs a.ics [b.ics ...]  (each line also names its "file")
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const LAST = ICAL.Time.fromDateTimeString("2100-01-01T00:00:00Z");

function utc(time, uid) {
  if (time.isDate) {
    return time.toString();
  }
  const zone = time.zone;
  if (zone === ICAL.Timezone.localTimezone || !zone || (zone.tzid !== "UTC" && !zone.component)) {
    throw new Error(`${uid}: ${time.toString()} has no VTIMEZONE in the file (zone ${zone && zone.tzid})`);
  }
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

function occurrences(event) {
  if (!event.isRecurring()) {
    return [[event.startDate, event.endDate]];
  }
  const found = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next && next.compare(LAST) < 0; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    found.push([details.startDate, details.endDate]);
  }
  return found;
}

for (const file of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  for (const component of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(component);
    for (const [start, end] of occurrences(event)) {
      const line = { file, uid: event.uid, start: utc(start, event.uid), end: utc(end, event.uid) };
      console.log(JSON.stringify(line));
    }
  }
}
