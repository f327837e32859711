package io.switchboard.local.iam;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every call the local cloud refused for want of a policy statement, in order: for the console, and for the
 * tests that prove the template's policies allow everything the functions do.
 */
public final class IamDenials {

    /** One refused call. */
    public record Denial(String functionLogicalId, String action, String resource) {
    }

    /** Every denial of every local cloud in this JVM: lets a test suite prove it ran with none. */
    private static final List<Denial> IN_THIS_JVM = new CopyOnWriteArrayList<>();

    private final List<Denial> denials = new CopyOnWriteArrayList<>();

    void record(Denial denial) {
        denials.add(denial);
        IN_THIS_JVM.add(denial);
    }

    public static List<Denial> inThisJvm() {
        return List.copyOf(IN_THIS_JVM);
    }

    public List<Denial> all() {
        return List.copyOf(denials);
    }
}
