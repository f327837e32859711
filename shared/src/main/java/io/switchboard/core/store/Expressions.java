package io.switchboard.core.store;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds DynamoDB update expressions with every attribute name aliased ({@code #status}), so that reserved
 * words (status, source, text...) never break an expression.
 */
public final class Expressions {

    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();
    private final StringJoiner sets = new StringJoiner(", ");
    private final StringJoiner removes = new StringJoiner(", ");

    public String name(String attribute) {
        String alias = "#" + attribute;
        names.put(alias, attribute);
        return alias;
    }

    public String value(String placeholder, AttributeValue value) {
        String alias = ":" + placeholder;
        values.put(alias, value);
        return alias;
    }

    public Expressions set(String attribute, AttributeValue value) {
        sets.add(name(attribute) + " = " + value(attribute, value));
        return this;
    }

    /** Sets the attribute only where the item has none yet. */
    public Expressions setIfAbsent(String attribute, AttributeValue value) {
        String alias = name(attribute);
        sets.add(alias + " = if_not_exists(" + alias + ", " + value(attribute, value) + ")");
        return this;
    }

    public Expressions remove(String attribute) {
        removes.add(name(attribute));
        return this;
    }

    public String update() {
        StringBuilder expression = new StringBuilder();
        if (sets.length() > 0) {
            expression.append("SET ").append(sets);
        }
        if (removes.length() > 0) {
            expression.append(expression.length() > 0 ? " " : "").append("REMOVE ").append(removes);
        }
        return expression.toString();
    }

    public Map<String, String> names() {
        return names;
    }

    /** Null when empty: DynamoDB refuses an empty value map. */
    public Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : values;
    }
}
