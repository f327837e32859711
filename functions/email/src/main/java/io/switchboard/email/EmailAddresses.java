package io.switchboard.email;

import io.switchboard.core.model.RejectedInputException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for a sender's address, whichever provider delivered the message (Postmark, Mailgun, SendGrid,
 * raw MIME): the address names the customer, so a malformed one is refused (400, nothing stored) instead of
 * becoming an identity no reply can reach.
 *
 * <p>An address is accepted when it is a single {@code local@domain} with a non-empty local part and domain,
 * at most {@value #MAX_LENGTH} characters (RFC 5321 §4.5.3.1: local part 64 + "@" + domain 255), a domain of at
 * most {@value #MAX_DOMAIN_LENGTH}, no control characters, spaces (outside a quoted local part) or broken
 * Unicode, and Jakarta Mail's strict RFC 5322 check ({@code new InternetAddress(address, true)}) passes.
 * Non-ASCII letters are allowed (RFC 6531/6532 internationalized addresses).
 *
 * <p>Local parts longer than 64 characters are accepted within the total: mailing-list and forwarding
 * addresses (VERP, SRS) exceed it in practice, and RFC 5321 §4.5.3.1 asks receivers not to enforce it.
 *
 * <p>The null sender ({@code <>}, e.g. {@code From: MAILER DAEMON <>}), which delivery-status reports carry
 * (RFC 5321 §4.5.5), is not malformed: it yields {@link ParsedEmail.EmailAddress#nullSender(String)}, and the
 * message is treated as a bounce. An unqualified daemon name ({@code From: MAILER-DAEMON}) is read the same
 * way.
 *
 * <p>Refusal reasons are short and never repeat the address (reasons are logged; addresses are personal
 * data).
 */
public final class EmailAddresses {

    /** RFC 5321 §4.5.3.1.1 and §4.5.3.1.2: 64 + 1 + 255. */
    public static final int MAX_LENGTH = 320;
    public static final int MAX_DOMAIN_LENGTH = 255;

    private static final Pattern NULL_PATH = Pattern.compile("<\\s*>");

    private EmailAddresses() {
    }

    /**
     * The author named by a From-style header value ({@code Ann <ann@example.com>}, RFC 2047 encoded names, a
     * bare address); the first address when the value lists several.
     *
     * @throws RejectedInputException (400) when the value names no well-formed address
     */
    public static ParsedEmail.EmailAddress fromHeader(String value) {
        if (value == null || value.isBlank()) {
            throw new RejectedInputException("no From address");
        }
        String unfolded = MimeUtility.unfold(value).trim();
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(unfolded, false);
        } catch (AddressException | RuntimeException unreadable) {
            if (NULL_PATH.matcher(unfolded).find() && !unfolded.contains("@")) {
                return ParsedEmail.EmailAddress.nullSender(nameBefore(unfolded));
            }
            throw malformed("unreadable");
        }
        InternetAddress first = parsed.length == 0 ? null : parsed[0];
        String address = first == null ? null : first.getAddress();
        String name = first == null ? null : blankToNull(first.getPersonal());
        if (address == null || address.isBlank()) {
            if (NULL_PATH.matcher(unfolded).find()) {
                return ParsedEmail.EmailAddress.nullSender(name != null ? name : nameBefore(unfolded));
            }
            throw new RejectedInputException("no From address");
        }
        return checked(address, name);
    }

    /**
     * A bare address a provider has already taken out of the header (Postmark's {@code FromFull.Email},
     * Mailgun's {@code sender}), with its display name.
     *
     * @throws RejectedInputException (400) when the address is malformed
     */
    public static ParsedEmail.EmailAddress bare(String address, String name) {
        if (address == null || address.isBlank()) {
            throw new RejectedInputException("no From address");
        }
        String trimmed = address.trim();
        if (NULL_PATH.matcher(trimmed).matches()) {
            return ParsedEmail.EmailAddress.nullSender(blankToNull(name));
        }
        if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1).trim();
        }
        return checked(trimmed, blankToNull(name));
    }

    /** True when {@link #problem(String)} finds nothing wrong. */
    public static boolean isValid(String address) {
        return problem(address) == null;
    }

    /** What is wrong with a bare address, in a few words; null when it is well-formed. */
    public static String problem(String address) {
        if (address == null || address.isEmpty()) {
            return "empty address";
        }
        if (address.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return "no @";
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty()) {
            return "empty local part";
        }
        if (domain.isEmpty()) {
            return "missing domain";
        }
        boolean quotedLocal = local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"");
        if (!quotedLocal && local.indexOf('@') >= 0) {
            return "more than one @";
        }
        if (domain.length() > MAX_DOMAIN_LENGTH) {
            return "domain longer than " + MAX_DOMAIN_LENGTH + " characters";
        }
        String characters = characterProblem(address, quotedLocal ? local.length() : 0);
        if (characters != null) {
            return characters;
        }
        try {
            // Angus' strict check: dots, brackets, illegal characters, domain literals, group syntax.
            InternetAddress strict = new InternetAddress(address, true);
            if (strict.isGroup()) {
                return "a group, not an address";
            }
        } catch (AddressException | RuntimeException invalid) {
            return "not an RFC 5322 address";
        }
        return null;
    }

    /** Controls, whitespace outside a quoted local part, unpaired surrogates and noncharacters. */
    private static String characterProblem(String address, int quotedPrefix) {
        for (int i = 0; i < address.length(); ) {
            int codePoint = address.codePointAt(i);
            if (Character.isISOControl(codePoint)) {
                return "control characters";
            }
            if (i >= quotedPrefix && (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint))) {
                return "spaces";
            }
            if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
                return "broken Unicode";
            }
            if ((codePoint & 0xFFFE) == 0xFFFE || (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || codePoint == 0xFFFD) {
                return "broken Unicode";
            }
            i += Character.charCount(codePoint);
        }
        return null;
    }

    private static ParsedEmail.EmailAddress checked(String address, String name) {
        if (isUnqualifiedDaemon(address)) {
            return ParsedEmail.EmailAddress.nullSender(name != null ? name : address);
        }
        String problem = problem(address);
        if (problem != null) {
            throw malformed(problem);
        }
        return new ParsedEmail.EmailAddress(address, name);
    }

    /** {@code From: MAILER-DAEMON} without a domain, as some mail systems still sign their reports. */
    private static boolean isUnqualifiedDaemon(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        return lower.equals("mailer-daemon") || lower.equals("postmaster");
    }

    /** The display name in front of {@code <>}, for a value the address parser could not read. */
    private static String nameBefore(String value) {
        int bracket = value.indexOf('<');
        String name = bracket < 0 ? value : value.substring(0, bracket);
        name = name.trim();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1);
        }
        return blankToNull(MimeEmailParser.decodeText(name));
    }

    private static RejectedInputException malformed(String why) {
        return new RejectedInputException("malformed From address: " + why);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
