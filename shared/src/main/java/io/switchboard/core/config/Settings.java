package io.switchboard.core.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration by environment-variable name (the names template.yaml sets on each function).
 * On Lambda it is the process environment; the local cloud and tests hand in their own map, so several
 * differently-configured handlers can live in one JVM.
 */
public interface Settings {

    String CUSTOMERS_TABLE = "CUSTOMERS_TABLE";
    String CONVERSATION_LOG_TABLE = "CONVERSATION_LOG_TABLE";
    String CONVERSATION_IDLE_MINUTES = "CONVERSATION_IDLE_MINUTES";
    String AWS_REGION = "AWS_REGION";
    /** The standard SDK variable: point every client at LocalStack, DynamoDB Local, ElasticMQ... */
    String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
    /** Secrets Manager secret (JSON object of NAME: value) holding this function's secrets on AWS. */
    String SECRET_ID = "SWITCHBOARD_SECRET_ID";

    Optional<String> get(String name);

    default String require(String name) {
        return get(name).orElseThrow(() -> new MissingSettingException(name));
    }

    default Duration minutes(String name, long defaultMinutes) {
        return Duration.ofMinutes(get(name).map(Long::parseLong).orElse(defaultMinutes));
    }

    static Settings of(Map<String, String> values) {
        Map<String, String> copy = new HashMap<>();
        values.forEach((key, value) -> {
            if (value != null && !value.isEmpty()) {
                copy.put(key, value);
            }
        });
        return name -> Optional.ofNullable(copy.get(name));
    }

    static Settings environment() {
        return of(System.getenv());
    }

    /** A required setting is absent: a deployment fault, answered with 500 so the provider retries. */
    class MissingSettingException extends IllegalStateException {
        public MissingSettingException(String name) {
            super("setting " + name + " is not configured");
        }
    }
}
