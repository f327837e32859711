package io.switchboard.local.testing;

import io.switchboard.local.iam.IamDenials;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Around every test class of this module (registered through junit-platform.properties): a class whose local
 * clouds had any SDK call refused by the template's IAM policies fails, naming the function, action and resource.
 * So every end-to-end test runs under the real template with zero denials; a class that provokes denials on
 * purpose says so with {@link ExpectsIamDenials}.
 */
public final class NoIamDenials implements BeforeAllCallback, AfterAllCallback {

    /** The class refuses calls on purpose (a copy of the template without a permission). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface ExpectsIamDenials {
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoIamDenials.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("before", IamDenials.inThisJvm().size());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass().isAnnotationPresent(ExpectsIamDenials.class)) {
            return;
        }
        int before = context.getStore(NAMESPACE).getOrDefault("before", Integer.class, 0);
        List<IamDenials.Denial> all = IamDenials.inThisJvm();
        List<IamDenials.Denial> denied = all.subList(Math.min(before, all.size()), all.size());
        if (!denied.isEmpty()) {
            throw new AssertionError("template.yaml's IAM policies refused " + denied.size() + " SDK call(s) in "
                    + context.getRequiredTestClass().getSimpleName() + ": " + denied);
        }
    }
}
