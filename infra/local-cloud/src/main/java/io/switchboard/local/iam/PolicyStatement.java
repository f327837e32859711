package io.switchboard.local.iam;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One statement of a function's IAM policy, with its template references resolved to local ARNs.
 * <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html">Statement</a>:
 * {@code Action} or {@code NotAction}, {@code Resource} or {@code NotResource}, each with {@code *} and {@code ?}
 * wildcards; action names are case-insensitive, resource ARNs are not.
 *
 * @param sid          the statement's Sid, or null
 * @param allow        Effect Allow (else Deny)
 * @param actions      the Action (or NotAction) patterns, e.g. {@code dynamodb:GetItem}, {@code sqs:SendMessage*}
 * @param notAction    true when {@code actions} is a NotAction
 * @param resources    the Resource (or NotResource) ARN patterns
 * @param notResource  true when {@code resources} is a NotResource
 */
public record PolicyStatement(String sid, boolean allow, List<String> actions, boolean notAction,
                              List<String> resources, boolean notResource) {

    public PolicyStatement {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
    }

    public static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return new PolicyStatement(sid, true, actions, false, resources, false);
    }

    /** Whether this statement speaks about {@code action} on {@code resource} (its effect decides what it says). */
    public boolean matches(String action, String resource) {
        boolean actionListed = actions.stream().anyMatch(pattern -> wildcard(pattern, true).matcher(action).matches());
        boolean resourceListed = resources.stream().anyMatch(pattern -> wildcard(pattern, false).matcher(resource).matches());
        return actionListed != notAction && resourceListed != notResource;
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} one character; everything else literal. */
    static Pattern wildcard(String pattern, boolean caseInsensitive) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return caseInsensitive ? Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
                : Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return (sid == null ? "" : sid + ": ") + (allow ? "Allow " : "Deny ") + (notAction ? "NotAction " : "")
                + String.join(",", actions).toLowerCase(Locale.ROOT) + " on " + (notResource ? "NotResource " : "")
                + String.join(",", resources);
    }
}
