package io.switchboard.email;

import java.util.Locale;

/** Recognizing delivery-status reports and reading their typed fields (RFC 3464 {@code type; value}). */
final class Bounces {

    private Bounces() {
    }

    /**
     * A sender that only mail systems use: the null sender ({@code <>}, RFC 5321 §4.5.5), or a daemon address
     * ({@link #isDaemon(String)}). Such a message is a report about earlier mail, never a customer writing.
     */
    static boolean isReportSender(ParsedEmail.EmailAddress from) {
        return from != null && (from.isNullSender() || isDaemon(from.address()));
    }

    /** The local part of the address a mail system sends its reports from (RFC 5321 §4.5.5 conventions). */
    static boolean isDaemon(String address) {
        if (address == null) {
            return false;
        }
        int at = address.indexOf('@');
        String local = (at < 0 ? address : address.substring(0, at)).toLowerCase(Locale.ROOT);
        return local.equals("mailer-daemon") || local.equals("postmaster");
    }

    /** {@code rfc822; ann@example.com} → {@code ann@example.com}. */
    static String addressOfTypedField(String value) {
        String address = valueOfTypedField(value);
        if (address == null) {
            return null;
        }
        address = address.replace("<", "").replace(">", "").trim();
        return address.contains("@") ? address : null;
    }

    /** {@code smtp; 550 5.1.1 user unknown} → {@code 550 5.1.1 user unknown}; unfolded. */
    static String valueOfTypedField(String value) {
        if (value == null) {
            return null;
        }
        String unfolded = value.replaceAll("\\r?\\n[ \\t]+", " ").trim();
        int semicolon = unfolded.indexOf(';');
        String result = semicolon < 0 ? unfolded : unfolded.substring(semicolon + 1).trim();
        return result.isEmpty() ? null : result;
    }
}
