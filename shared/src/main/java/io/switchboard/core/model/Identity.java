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
     * The identity types a key written outside ingestion may have, with how many {@code :}-separated parts their
     * value has: the wire names of the identity types the channel modules build at ingestion (page- and
     * account-scoped ids as {@code <type>:<account>:<id>}, single-part ids such as SIP addresses or an anonymous
     * caller's call, {@code sms-sender:<country>:<sender>} for short codes and alphanumeric senders), the core's
     * {@code phone:} and {@code email:}, and a helpdesk's own {@code external:<system>:<id>}. Like the channel wire
     * names in {@link Channel}, this is a contract registry (docs/architecture.md, "Customer identity"): a type
     * outside it is no key any channel could ever resolve, so it is refused rather than stored.
     */
    private static final java.util.Map<String, Integer> KNOWN_TYPES = java.util.Map.ofEntries(
            java.util.Map.entry("phone", 1), java.util.Map.entry("email", 1),
            java.util.Map.entry("external", 2),
            java.util.Map.entry("messenger", 2), java.util.Map.entry("instagram", 2),
            java.util.Map.entry("messenger-user-ref", 2), java.util.Map.entry("instagram-user-ref", 2),
            java.util.Map.entry("whatsapp-user", 1),
            java.util.Map.entry("sip", 1), java.util.Map.entry("client", 1), java.util.Map.entry("anonymous", 1),
            java.util.Map.entry("sms-sender", 2));

    /**
     * An identity key as written outside ingestion (a send command's {@code to}, the customer API), normalized the
     * way ingestion writes it: {@code phone:} numbers to E.164 and {@code email:} addresses lower-cased, so that
     * {@code phone:+1 (415) 555-0100} finds the customer a message from 14155550100 created. Other types are kept
     * as written; {@code external:<system>:<id>} names a record in one of the helpdesk's own systems.
     *
     * <p>Strict, unlike the constructor (which cleans what a webhook carries): a key with a control character, a
     * noncharacter, a lone surrogate or U+FFFD (what undecodable bytes became) is refused, not cleaned, so two
     * different inputs can never land on one stored key.
     *
     * @throws InvalidIdentityException when the key is not {@code type:value} of a known type, or holds such a
     *                                  character
     */
    public static Identity parse(String key) {
        int colon = key == null ? -1 : key.indexOf(':');
        if (colon < 1 || !KEY_TYPE.matcher(key.substring(0, colon)).matches() || key.substring(colon + 1).isBlank()) {
            throw new InvalidIdentityException("an identity key is type:value, e.g. phone:+14155550100");
        }
        String type = key.substring(0, colon);
        Integer parts = KNOWN_TYPES.get(type);
        if (parts == null) {
            throw new InvalidIdentityException("unknown identity type " + type + "; the types are "
                    + String.join(", ", new java.util.TreeSet<>(KNOWN_TYPES.keySet())));
        }
        String value = key.substring(colon + 1);
        if (!storable(value)) {
            throw new InvalidIdentityException("an identity key holds no control characters, noncharacters, "
                    + "unpaired surrogates or U+FFFD");
        }
        if (parts == 2) {
            int separator = value.indexOf(':');
            if (separator < 1 || value.substring(separator + 1).isBlank()) {
                throw new InvalidIdentityException("a " + type + " identity is " + type + ":<"
                        + (type.equals("external") ? "system" : type.equals("sms-sender") ? "country" : "account") + ">:<id>");
            }
        }
        return switch (type) {
            case "phone" -> phone(value);
            case "email" -> email(value);
            default -> new Identity(key);
        };
    }

    /** Whether every character is one a stored key keeps as given (see {@link Text}), and none is U+FFFD. */
    private static boolean storable(String value) {
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            if (Character.getType(codePoint) == Character.CONTROL || !Text.allowed(codePoint)
                    || codePoint == Text.REPLACEMENT) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
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
