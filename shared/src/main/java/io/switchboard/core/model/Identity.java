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
