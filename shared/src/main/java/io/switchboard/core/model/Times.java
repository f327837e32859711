package io.switchboard.core.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times as the log stores them and events carry them: RFC 3339 in UTC with milliseconds, fixed width so that text
 * order is time order. Input rules keep every time between 1970 and a few minutes from now, so the year always
 * has four digits.
 */
public final class Times {

    private static final DateTimeFormatter RFC_3339_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String rfc3339(Instant instant) {
        return RFC_3339_MILLIS.format(instant);
    }
}
