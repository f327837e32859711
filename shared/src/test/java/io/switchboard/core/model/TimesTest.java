package io.switchboard.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimesTest {

    private static final DateTimeFormatter JAVA_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** 9999-12-31T23:59:59.999Z. */
    private static final long LAST_MILLI = 253_402_300_799_999L;

    @Test
    void givenInstantsFrom1970To9999_whenWrittenAndReadBack_thenTheyMatchJavaTimeToTheMillisecond() {
        SplittableRandom random = new SplittableRandom(20261130L);
        for (int i = 0; i < 200_000; i++) {
            // Half across the whole range, half near now (where the log's times are), with every edge of a day.
            long millis = i % 2 == 0 ? random.nextLong(0, LAST_MILLI + 1)
                    : 1_763_805_600_000L + random.nextLong(-5 * 365 * 86_400_000L, 5 * 365 * 86_400_000L);
            Instant instant = Instant.ofEpochMilli(millis).plusNanos(random.nextInt(1_000_000));
            String text = Times.rfc3339(instant);
            assertEquals(JAVA_TIME.format(instant), text);
            assertEquals(Instant.ofEpochMilli(millis), Times.parse(text), text);
            assertEquals(Instant.parse(text), Times.parse(text), text);
        }
        assertEquals("1970-01-01T00:00:00.000Z", Times.rfc3339(Instant.EPOCH));
        assertEquals("9999-12-31T23:59:59.999Z", Times.rfc3339(Instant.ofEpochMilli(LAST_MILLI)));
        assertEquals("2024-02-29T23:59:59.999Z", Times.rfc3339(Instant.parse("2024-02-29T23:59:59.999999999Z")));
    }

    @Test
    void givenOtherIsoInstants_whenRead_thenTheyAreReadAsInstantParseReadsThem() {
        for (String text : new String[] {"2026-11-22T10:00:00Z", "2026-11-22T10:00:00.123456Z", "2026-11-22T10:00:00.1Z",
                "2026-11-22T23:59:60.000Z", "2026-11-22T24:00:00.000Z"}) {
            assertEquals(Instant.parse(text), Times.parse(text), text);
        }
    }

    @Test
    void givenTextThatIsNoTime_whenRead_thenItIsRefusedAsInstantParseRefusesIt() {
        for (String text : new String[] {"2026-02-30T10:00:00.000Z", "2026-13-01T10:00:00.000Z",
                "2026-11-22T10:60:00.000Z", "2026-1a-22T10:00:00.000Z", "2026-11-22T10:00:00.00aZ", "x", "",
                "2026-11-22 10:00:00.000Z", "-026-11-22T10:00:00.000Z"}) {
            assertThrows(DateTimeParseException.class, () -> Instant.parse(text), text);
            assertThrows(DateTimeParseException.class, () -> Times.parse(text), text);
        }
    }
}
