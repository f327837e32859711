package io.switchboard.local.iam;

import java.util.List;

/**
 * The identity-based policy of one function's execution role, evaluated as IAM does for a single account
 * (<a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html">policy
 * evaluation logic</a>): an explicit Deny wins, else an Allow allows, else the request is implicitly denied.
 * Conditions are not evaluated (the template writes none).
 */
public record FunctionPolicy(String functionLogicalId, List<PolicyStatement> statements) {

    public FunctionPolicy {
        statements = List.copyOf(statements);
    }

    public boolean allows(String action, String resource) {
        boolean allowed = false;
        for (PolicyStatement statement : statements) {
            if (statement.matches(action, resource)) {
                if (!statement.allow()) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }
}
