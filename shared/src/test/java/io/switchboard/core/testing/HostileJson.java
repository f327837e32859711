package io.switchboard.core.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds webhook bodies that look like a provider's but are not to be trusted: every field may be left out, be
 * null, be of another JSON type, be hostile text, be huge, or appear twice (which a JSON tree cannot express, so
 * bodies are written from this small model). A body may also be mutated after writing: truncated, not an
 * object, with trailing bytes, not UTF-8. Seeded through {@link HostileInput}, so a failure names its seed.
 */
public final class HostileJson {

    /** A JSON literal written as is: numbers too large or too precise for a Java type. */
    public record Raw(String json) {
    }

    private static final JsonFactory FACTORY = new JsonFactory();

    private final HostileInput in;
    /** Percent of fields (and list items) that are messed with in this body; 0 for a clean body. */
    private final int messPercent;

    public HostileJson(HostileInput in) {
        this.in = in;
        this.messPercent = in.oneOf(List.of(0, 0, 0, 2, 5, 10, 25));
    }

    public HostileInput in() {
        return in;
    }

    /**
     * True in {@code percent} percent of the calls of a messy body, never in a clean one: for values (ids,
     * times) that a clean body always has in a plausible form.
     */
    public boolean odd(int percent) {
        return messPercent > 0 && in.chance(percent);
    }

    /** Exactly {@code length} digits: a plausible numeric id. */
    public String digits(int length) {
        StringBuilder digits = new StringBuilder(length);
        digits.append((char) ('1' + in.random().nextInt(9)));
        while (digits.length() < length) {
            digits.append((char) ('0' + in.random().nextInt(10)));
        }
        return digits.toString();
    }

    public Obj obj() {
        return new Obj();
    }

    /** A list of {@code min..max} items, some of them messed with. */
    public List<Object> list(int min, int max, Supplier<Object> item) {
        int size = min + in.random().nextInt(max - min + 1);
        List<Object> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            items.add(in.chance(messPercent) ? mess(item.get()) : item.get());
        }
        return items;
    }

    /** One of the options, or (when messing) something else altogether. */
    public Object oneOf(List<?> options) {
        return in.chance(messPercent) ? in.text(24) : in.oneOf(options);
    }

    /** A value that replaces a good one: null, another type, hostile or huge text. */
    public Object mess(Object good) {
        return switch (in.random().nextInt(4)) {
            case 0 -> null;
            case 1 -> otherType(good);
            case 2 -> in.text(64);
            default -> huge();
        };
    }

    private Object otherType(Object good) {
        return switch (in.random().nextInt(12)) {
            case 0 -> in.random().nextLong();
            case 11 -> deep(1 + in.random().nextInt(990));
            case 1 -> new Raw("1" + "0".repeat(1 + in.random().nextInt(60)));         // beyond a long
            case 2 -> new Raw(in.oneOf(List.of("1e400", "-1e400", "1.5", "-0.0", "4.9e-324", "1E+2")));
            case 3 -> in.random().nextBoolean();
            case 4 -> obj();
            case 5 -> obj().put("value", good);
            case 6 -> new ArrayList<>(Arrays.asList(good));
            case 7 -> List.of();
            case 8 -> good instanceof String ? new Raw(digitsOr("7")) : String.valueOf(good);
            case 9 -> -1 - in.random().nextInt(1_000_000);
            default -> "";
        };
    }

    /** Arrays and objects nested {@code depth} deep, up to the JSON parser's nesting limit (1000) and beyond. */
    private Raw deep(int depth) {
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            json.append(i % 2 == 0 ? "[" : "{\"k\":");
        }
        json.append(in.chance(50) ? "1" : "\"" + in.digits(3) + "\"");
        for (int i = depth - 1; i >= 0; i--) {
            json.append(i % 2 == 0 ? "]" : "}");
        }
        return new Raw(json.toString());
    }

    private String digitsOr(String fallback) {
        String digits = in.digits(18);
        return digits.isEmpty() ? fallback : digits;
    }

    private Object huge() {
        return switch (in.random().nextInt(4)) {
            case 0 -> in.digits(12);                  // sometimes 3000 digits
            case 1 -> in.text(5_000);                 // sometimes 5000 x's and a nasty character
            case 2 -> in.text(16).repeat(1 + in.random().nextInt(400));
            default -> "x".repeat(40_000 + in.random().nextInt(10_000));
        };
    }

    /** An object whose fields are put through the messing. */
    public final class Obj {
        final List<String> names = new ArrayList<>();
        final List<Object> values = new ArrayList<>();

        /** The field, usually as given; sometimes left out, null, of another type, hostile, huge or twice. */
        public Obj put(String name, Object good) {
            if (!in.chance(messPercent)) {
                return exact(name, good);
            }
            switch (in.random().nextInt(7)) {
                case 0 -> { }                                          // left out
                case 1 -> exact(name, null);
                case 2 -> exact(name, otherType(good));
                case 3 -> exact(name, in.chance(50) ? in.text(64) : huge());
                case 4 -> exact(name, good).exact(name, mess(good));  // twice: the last one wins in Jackson
                case 5 -> exact(name, mess(good)).exact(name, good);
                case 6 -> exact(in.text(in.chance(10) ? 3_000 : 20), good);  // under a name no one expects
                default -> throw new IllegalStateException();
            }
            return this;
        }

        /** The field in {@code percent} percent of bodies. */
        public Obj maybe(int percent, String name, Supplier<Object> good) {
            return in.chance(percent) ? put(name, good.get()) : this;
        }

        /** The field exactly as given. */
        public Obj exact(String name, Object value) {
            names.add(name);
            values.add(value);
            return this;
        }
    }

    // ---------------------------------------------------------------- writing and mutating

    /** The body as a provider would send it, or (sometimes) mutated into something no provider sends. */
    public byte[] write(Object root) {
        String json = json(root, in.chance(30));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return in.chance(10) ? mutate(bytes) : bytes;
    }

    private byte[] mutate(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return switch (in.random().nextInt(10)) {
            case 0 -> Arrays.copyOf(body, in.random().nextInt(Math.max(1, body.length)));   // truncated
            case 1 -> utf8("[" + text + "]");
            case 2 -> utf8(in.oneOf(List.of("\"text\"", "42", "null", "true", "[]", "{}", " ", "\"\\uD800\"")));
            case 3 -> utf8(text + in.oneOf(List.of("x", "}", " {}", text)));                 // trailing bytes
            case 4 -> new byte[0];
            case 5 -> utf8("\uFEFF" + text);                                                 // byte order mark
            case 6 -> invalidUtf8(body);
            case 7 -> utf8("[".repeat(3000) + "]".repeat(3000));                           // deep nesting
            case 8 -> utf8(text.replaceFirst("\\{", "{\"object\":" + "[".repeat(2000)));
            default -> utf8(text.replace(":", in.oneOf(List.of(";", "=", "::"))));
        };
    }

    private byte[] invalidUtf8(byte[] body) {
        byte[] bad = in.oneOf(List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF8, (byte) 0x88}));
        int at = in.random().nextInt(body.length + 1);
        byte[] out = new byte[body.length + bad.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(body, at, out, at + bad.length, body.length - at);
        return out;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param escapeNonAscii {@code \\uXXXX} escapes for everything beyond ASCII: the only way a lone surrogate
     *                       reaches the parser (raw, UTF-8 cannot carry it)
     */
    public static String json(Object value, boolean escapeNonAscii) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (escapeNonAscii) {
                generator.enable(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
            }
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else if (value instanceof Integer number) {
            generator.writeNumber(number);
        } else if (value instanceof Long number) {
            generator.writeNumber(number);
        } else if (value instanceof Double number) {
            generator.writeNumber(number);
        } else if (value instanceof Raw raw) {
            generator.writeRawValue(raw.json());
        } else if (value instanceof HostileJson.Obj obj) {
            generator.writeStartObject();
            for (int i = 0; i < obj.names.size(); i++) {
                generator.writeFieldName(obj.names.get(i));
                write(generator, obj.values.get(i));
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object item : list) {
                write(generator, item);
            }
            generator.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }
}
