package io.switchboard.outbound;

import io.micronaut.context.annotation.Factory;
import io.switchboard.core.config.Settings;
import io.switchboard.email.SesEmailSender;
import jakarta.inject.Singleton;

/**
 * The email channel's sender, a bean of this function only. The other channels' senders are beans of their own
 * modules; the email module's is not, because the email webhook function shares that module and sends nothing (its
 * context stays without a sender). Here, where replies are sent, the reply engine gets it with the others.
 */
@Factory
class EmailSending {

    @Singleton
    SesEmailSender sesEmailSender(Settings settings) {
        return new SesEmailSender(settings);
    }
}
