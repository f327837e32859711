package io.switchboard.core.testing;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Generated input for property tests: seeded, so a failure names the seed that reproduces it. Strings mix what
 * providers really send (emoji, right-to-left text, combining marks) with what breaks pipelines (Unicode
 * noncharacters, unpaired surrogates, control characters, JSON and XML metacharacters, very long runs).
 */
public final class HostileInput {

    /** Characters SQS refuses or that need care: noncharacters, lone surrogates, controls, metacharacters. */
    private static final List<String> NASTY = List.of("\uFFFE", "\uFFFF", "\uD83D", "\uDE00", "\u0000", "\u0001",
            "\u001F", "\u007F", "\u200B", "\u202E", "\uFDD0", "\"", "\\", "<", ">", "&", "'", "\r\n", "\t", "%", "+",
            "=", "@", ":", "#", "\uD83D\uDE00", "\u0645\u0631\u062D\u0628\u0627", "e\u0301", "\uD801\uDC37");

    private final Random random;

    public HostileInput(long seed) {
        this.random = new Random(seed);
    }

    /** The seeds of one property run: fixed, so CI and a developer see the same cases. */
    public static Stream<Long> seeds(int count) {
        return IntStream.range(0, count).mapToObj(i -> 0x5B0A_0000L + i);
    }

    public Random random() {
        return random;
    }

    public boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    public <T> T oneOf(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A string of up to {@code maxLength} characters, sometimes empty, sometimes nasty, rarely very long. */
    public String text(int maxLength) {
        int roll = random.nextInt(100);
        if (roll < 5) {
            return "";
        }
        if (roll < 10) {
            return "x".repeat(maxLength) + oneOf(NASTY);
        }
        int length = 1 + random.nextInt(Math.max(1, Math.min(maxLength, 64)));
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            int pick = random.nextInt(10);
            if (pick < 3) {
                text.append(oneOf(NASTY));
            } else if (pick < 5) {
                text.appendCodePoint(random.nextInt(0x10FFFF + 1));
            } else {
                text.append((char) ('a' + random.nextInt(26)));
            }
        }
        return text.toString();
    }

    /** Digits, as providers' numeric ids are, sometimes far too many of them or none. */
    public String digits(int typicalLength) {
        int roll = random.nextInt(100);
        int length = roll < 5 ? 0 : roll < 10 ? 3000 : 1 + random.nextInt(typicalLength);
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    /** Epoch seconds: mostly recent, sometimes far future, zero, negative or huge. */
    public long epochSeconds(long now) {
        return switch (random.nextInt(8)) {
            case 0 -> 99_999_999_999L;
            case 1 -> 253_402_300_800L;
            case 2 -> 0;
            case 3 -> -1 - random.nextInt(1_000_000);
            case 4 -> now + 86_400L * (1 + random.nextInt(10_000));
            default -> now - random.nextInt(86_400 * 30);
        };
    }
}
