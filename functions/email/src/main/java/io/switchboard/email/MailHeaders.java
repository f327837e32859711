package io.switchboard.email;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Message headers by case-insensitive name, in the order they appear; a name may repeat. */
public final class MailHeaders {

    private static final MailHeaders EMPTY = new MailHeaders(Map.of());

    private final Map<String, List<String>> values;

    private MailHeaders(Map<String, List<String>> values) {
        this.values = values;
    }

    public static MailHeaders empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first value of a header, trimmed; empty when absent or blank. */
    public Optional<String> first(String name) {
        List<String> all = values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        return all.stream().map(String::trim).filter(value -> !value.isEmpty()).findFirst();
    }

    public List<String> all(String name) {
        return values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    public boolean has(String name) {
        return values.containsKey(name.toLowerCase(Locale.ROOT));
    }

    public static final class Builder {
        private final Map<String, List<String>> values = new LinkedHashMap<>();

        public Builder add(String name, String value) {
            if (name != null && value != null) {
                values.computeIfAbsent(name.trim().toLowerCase(Locale.ROOT), key -> new ArrayList<>()).add(value);
            }
            return this;
        }

        public MailHeaders build() {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            values.forEach((name, list) -> copy.put(name, List.copyOf(list)));
            return new MailHeaders(Collections.unmodifiableMap(copy));
        }
    }
}
