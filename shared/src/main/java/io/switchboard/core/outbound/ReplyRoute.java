package io.switchboard.core.outbound;

import java.util.Objects;

/**
 * Where a reply goes on a channel.
 *
 * @param source    the channel account as entries name it ({@code /<channel>/<account id>}): the sent entry's source
 * @param account   who sends: the business number id, page or account id, phone number (E.164) or email address
 *                  the customer wrote to
 * @param recipient who receives: wa_id, page-scoped id, E.164 number, email address
 */
public record ReplyRoute(String source, String account, String recipient) {
    public ReplyRoute {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(recipient, "recipient");
    }
}
