package io.switchboard.core.http;

import java.util.Optional;

/** Values of a posted form by name, as providers' form webhooks are read. */
public interface FormValues {

    /** The first non-blank value of a field. */
    Optional<String> get(String name);

    /** The first non-blank value among several names (a provider's current name, then its legacy one). */
    default Optional<String> first(String... names) {
        for (String name : names) {
            Optional<String> value = get(name);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }
}
