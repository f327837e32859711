package io.switchboard.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void localSetting_winsWithoutFetchingAnything() {
        var secrets = new Secrets(Settings.of(Map.of("WHATSAPP_APP_SECRET", "local")), id -> {
            throw new AssertionError("no fetch expected");
        }, Clock.systemUTC());
        assertEquals("local", secrets.require("WHATSAPP_APP_SECRET"));
    }

    @Test
    void secretsManagerDocument_isFetchedOnceWithinTtl_andAgainAfter() {
        var fetches = new AtomicInteger();
        var clock = new MutableClock();
        var secrets = new Secrets(Settings.of(Map.of(Settings.SECRET_ID, "arn:secret")), id -> {
            fetches.incrementAndGet();
            return "{\"WHATSAPP_APP_SECRET\":\"s" + fetches.get() + "\",\"EMPTY\":\"\"}";
        }, clock);

        assertEquals("s1", secrets.require("WHATSAPP_APP_SECRET"));
        assertEquals("s1", secrets.require("WHATSAPP_APP_SECRET"));
        assertEquals(1, fetches.get());
        clock.now = clock.now.plus(Secrets.CACHE_TTL).plus(Duration.ofSeconds(1));
        assertEquals("s2", secrets.require("WHATSAPP_APP_SECRET"));
        assertTrue(secrets.get("EMPTY").isEmpty(), "an empty value counts as not configured");
    }

    @Test
    void secretConfiguredNowhere_isAMissingSetting() {
        var secrets = new Secrets(Settings.of(Map.of()), id -> "{}", Clock.systemUTC());
        assertThrows(Settings.MissingSettingException.class, () -> secrets.require("WHATSAPP_APP_SECRET"));
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-20T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
