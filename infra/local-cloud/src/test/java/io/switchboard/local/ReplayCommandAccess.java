package io.switchboard.local;

import java.io.PrintStream;

/** The replay command for tests in other packages (it is package-private, like Main's parts). */
public final class ReplayCommandAccess {

    private ReplayCommandAccess() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ReplayCommand.run(args, out, err);
    }
}
