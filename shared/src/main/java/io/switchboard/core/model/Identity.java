package io.switchboard.core.model;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Objects;

/**
 * A normalized key that points to one customer: {@code <type>:<value>}. The core builds the two keys every kind of
 * channel shares, {@code phone:+14155550100} (so messages, texts and calls from one number meet in one customer) and
 * {@code email:ann@example.com}; each channel module builds its own kinds of key (page-scoped user ids, SIP
 * addresses...).
 */
public record Identity(String key) {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    /** The type of a key: lower-case letters, digits and dashes (phone, email, external...). */
    private static final java.util.regex.Pattern KEY_TYPE = java.util.regex.Pattern.compile("[a-z][a-z0-9-]*");

    /**
     * Longest key in UTF-8 bytes. DynamoDB allows 2048 bytes in a partition key; a key this long is no real
     * sender, and refusing it (400) beats a write the store refuses (a 5xx the provider retries forever).
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
     */
    public static final int MAX_KEY_BYTES = 1024;

    public Identity {
        Objects.requireNonNull(key, "key");
        if (key.indexOf(':') < 1) {
            throw new IllegalArgumentException("identity key needs a type prefix");
        }
        key = Text.clean(key);
        if (key.length() > MAX_KEY_BYTES || key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new InvalidIdentityException("sender id longer than " + MAX_KEY_BYTES + " bytes");
        }
    }

    /**
     * A phone identity in E.164, normalized with libphonenumber. Accepts digits with or without '+', and a
     * scheme in front ({@code tel:+1...}), which is dropped.
     *
     * @throws InvalidIdentityException when the text is not a possible international number
     */
    public static Identity phone(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidIdentityException("phone number is missing");
        }
        String text = raw.trim();
        int colon = text.indexOf(':');
        if (colon >= 0) {
            text = text.substring(colon + 1).trim();
        }
        if (!text.startsWith("+")) {
            text = "+" + text;
        }
        Identity known = NORMALIZED.get(text);
        if (known != null) {
            return known;
        }
        try {
            PhoneNumber number = PHONES.parse(text, "ZZ");
            if (!PHONES.isPossibleNumber(number)) {
                throw new InvalidIdentityException("not a possible phone number");
            }
            Identity identity = new Identity("phone:" + PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
            if (NORMALIZED.size() >= NORMALIZED_MAX) {
                NORMALIZED.clear();
            }
            NORMALIZED.put(text, identity);
            return identity;
        } catch (NumberParseException e) {
            throw new InvalidIdentityException("not a phone number: " + e.getErrorType());
        }
    }

    /**
     * Numbers normalized before, in this container: libphonenumber's parse is a good part of a warm webhook's CPU,
     * and a container sees the same senders again and again. Bounded (emptied when full); only valid numbers.
     */
    private static final java.util.Map<String, Identity> NORMALIZED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int NORMALIZED_MAX = 10_000;

    public static Identity email(String address) {
        if (address == null || address.isBlank() || !address.contains("@")) {
            throw new InvalidIdentityException("not an email address");
        }
        return new Identity("email:" + address.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * An identity key as written outside ingestion (a send command's {@code to}, the customer API), normalized the
     * way ingestion writes it: {@code phone:} numbers to E.164 and {@code email:} addresses lower-cased, so that
     * {@code phone:+1 (415) 555-0100} finds the customer a message from 14155550100 created. Other types are kept
     * as written; {@code external:<system>:<id>} names a record in one of the helpdesk's own systems.
     *
     * @throws InvalidIdentityException when the key is not {@code type:value} with a lower-case type
     */
    public static Identity parse(String key) {
        int colon = key == null ? -1 : key.indexOf(':');
        if (colon < 1 || !KEY_TYPE.matcher(key.substring(0, colon)).matches() || key.substring(colon + 1).isBlank()) {
            throw new InvalidIdentityException("an identity key is type:value, e.g. phone:+14155550100");
        }
        String value = key.substring(colon + 1);
        return switch (key.substring(0, colon)) {
            case "phone" -> phone(value);
            case "email" -> email(value);
            case "external" -> {
                int separator = value.indexOf(':');
                if (separator < 1 || value.substring(separator + 1).isBlank()) {
                    throw new InvalidIdentityException("an external identity is external:<system>:<id>");
                }
                yield new Identity(key);
            }
            default -> new Identity(key);
        };
    }

    public String type() {
        return key.substring(0, key.indexOf(':'));
    }

    public String value() {
        return key.substring(key.indexOf(':') + 1);
    }

    @Override
    public String toString() {
        return key;
    }
}
